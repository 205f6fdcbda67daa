import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { createEmailActivities, emailMessageId, type EmailRequest, type Mailer } from '../../activities/email-activities';
import { connectDatabase, type Database } from '../../platform/database';
import { createMailer } from '../../platform/mailer';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { testEnv } from '../support/test-env';

const FROM = 'Durapay <payments@durapay.test>';

let db: Database;
let capture: SmtpCapture;
let mailer: ReturnType<typeof createMailer>;

beforeAll(async () => {
  db = connectDatabase(testEnv().databaseUrl);
  capture = await startSmtpCapture();
  mailer = createMailer(capture.url);
});

afterAll(async () => {
  mailer?.close();
  await capture?.close();
  await db?.destroy();
});

function receiptRequest(overrides: Partial<EmailRequest> = {}): EmailRequest {
  const paymentId = `pay_${randomUUID()}`;
  return {
    dedupeKey: `payment:${paymentId}:receipt`,
    to: 'ada@example.com',
    template: 'payment_receipt',
    locale: 'en',
    data: { payment_id: paymentId, amount: 1050, currency: 'eur', description: 'Blue mug', paid_at: '2026-11-22T10:15:00Z' },
    ...overrides,
  };
}

const withKey = (dedupeKey: string) => (message: { headers: Record<string, string> }) => message.headers['x-durapay-dedupe-key'] === dedupeKey;
const outboxRow = (dedupeKey: string) => db('email_outbox').where({ dedupe_key: dedupeKey }).first();

describe('sendEmail', () => {
  it('sends once and answers already_sent to a repeated call', async () => {
    const { sendEmail } = createEmailActivities({ db, mailer, from: FROM });
    const request = receiptRequest();

    expect(await sendEmail(request)).toEqual({ status: 'sent' });
    expect(await sendEmail(request)).toEqual({ status: 'already_sent' });

    expect(capture.count(withKey(request.dedupeKey))).toBe(1);
    const message = await capture.waitFor(withKey(request.dedupeKey));
    expect(message.to).toEqual(['ada@example.com']);
    expect(message.headers.to).toContain('ada@example.com');
    expect(message.from).toBe('payments@durapay.test');
    expect(message.subject).toBe('Receipt for your payment of €10.50');
    expect(message.text).toContain(`Payment reference: ${String(request.data.payment_id)}`);
    expect(message.html).toContain('Blue mug');
    expect(message.messageId).toBe(emailMessageId(request.dedupeKey));

    const row = await outboxRow(request.dedupeKey);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, message_id: emailMessageId(request.dedupeKey), error: null, template: 'payment_receipt' });
    expect(row.sent_at).toBeInstanceOf(Date);
  });

  it('talks SMTP with no transaction open: the outbox row is claimed and committed first', async () => {
    // The activity's own pool, named, so this test can look at exactly its connections and no one else's.
    const applicationName = `send-email-${randomUUID()}`;
    const activityDb = connectDatabase(`${testEnv().databaseUrl}${testEnv().databaseUrl.includes('?') ? '&' : '?'}application_name=${applicationName}`);
    const request = receiptRequest();
    let seenDuringSend: { xact: number; claimed: boolean } | undefined;
    const probingMailer: Mailer = {
      async sendMail(message) {
        const open = await db.raw("select count(*)::int as n from pg_stat_activity where application_name = ? and xact_start is not null", [applicationName]);
        const row = await outboxRow(request.dedupeKey);
        seenDuringSend = { xact: open.rows[0].n, claimed: row.claimed_until instanceof Date };
        return mailer.sendMail(message);
      },
    };
    try {
      expect(await createEmailActivities({ db: activityDb, mailer: probingMailer, from: FROM }).sendEmail(request)).toEqual({ status: 'sent' });
    } finally {
      await activityDb.destroy();
    }
    // The claim was visible from another connection (committed), and no transaction of the activity's was open.
    expect(seenDuringSend).toEqual({ xact: 0, claimed: true });
    expect(await outboxRow(request.dedupeKey)).toMatchObject({ status: 'sent', claimed_until: null });
  });

  it('records a permanent SMTP refusal as failed, raises an alert, and answers instead of throwing', async () => {
    const { sendEmail } = createEmailActivities({ db, mailer, from: FROM });
    // Valid in the HTML address grammar, refused by the SMTP server: 501 Bad recipient address syntax.
    const request = receiptRequest({ to: 'ada..lovelace@example.com' });

    const outcome = await sendEmail(request);
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome.status === 'failed' && outcome.error).toContain('501');
    const row = await outboxRow(request.dedupeKey);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, claimed_until: null, sent_at: null });
    const alert = await db('alerts').where({ dedupe_key: `email-refused:${request.dedupeKey}` }).first();
    expect(alert).toMatchObject({ kind: 'email_refused', severity: 'warning', data: { outbox_id: row.id, template: 'payment_receipt' } });
    expect(alert.message).not.toContain('ada..lovelace@example.com');

    // A retry of the activity (or a repeated call) answers the same without talking to SMTP again.
    expect(await sendEmail(request)).toMatchObject({ status: 'failed' });
    expect((await outboxRow(request.dedupeKey)).attempts).toBe(1);
  });

  it('keeps retrying what SMTP refuses only for now (4xx, connection loss)', async () => {
    const request = receiptRequest();
    const busyMailer: Mailer = { sendMail: () => Promise.reject(Object.assign(new Error('451 try again later'), { code: 'EENVELOPE', responseCode: 451 })) };
    await expect(createEmailActivities({ db, mailer: busyMailer, from: FROM }).sendEmail(request)).rejects.toThrow('451');
    expect(await outboxRow(request.dedupeKey)).toMatchObject({ status: 'pending', attempts: 1, claimed_until: null });
  });

  it('sends once when two attempts run at the same time', async () => {
    const { sendEmail } = createEmailActivities({ db, mailer, from: FROM });
    const request = receiptRequest({ locale: 'fr-BE' });

    const results = await Promise.all([sendEmail(request), sendEmail(request), sendEmail(request)]);

    expect(results.map((result) => result.status).sort()).toEqual(['already_sent', 'already_sent', 'sent']);
    expect(capture.count(withKey(request.dedupeKey))).toBe(1);
    const message = await capture.waitFor(withKey(request.dedupeKey));
    expect(message.subject.replace(/[\u00a0\u202f]/g, ' ')).toBe('Reçu de votre paiement de 10,50 €');
    expect((await outboxRow(request.dedupeKey)).attempts).toBe(1);
  });

  it('keeps a failed send pending with its error, and a retry sends exactly one', async () => {
    const request = receiptRequest();
    const brokenMailer: Mailer = { sendMail: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:2525')) };

    await expect(createEmailActivities({ db, mailer: brokenMailer, from: FROM }).sendEmail(request)).rejects.toThrow('ECONNREFUSED');
    expect(await outboxRow(request.dedupeKey)).toMatchObject({ status: 'pending', attempts: 1, error: 'connect ECONNREFUSED 127.0.0.1:2525', sent_at: null });
    expect(capture.count(withKey(request.dedupeKey))).toBe(0);

    const { sendEmail } = createEmailActivities({ db, mailer, from: FROM });
    expect(await sendEmail(request)).toEqual({ status: 'sent' });
    expect(await sendEmail(request)).toEqual({ status: 'already_sent' });
    expect(capture.count(withKey(request.dedupeKey))).toBe(1);
    expect(await outboxRow(request.dedupeKey)).toMatchObject({ status: 'sent', attempts: 2, error: null });
  });

  it('sends the stored message on retry, even if the data changed in between', async () => {
    const request = receiptRequest();
    const brokenMailer: Mailer = { sendMail: () => Promise.reject(new Error('timeout')) };
    await expect(createEmailActivities({ db, mailer: brokenMailer, from: FROM }).sendEmail(request)).rejects.toThrow('timeout');

    await createEmailActivities({ db, mailer, from: FROM }).sendEmail({ ...request, data: { ...request.data, amount: 9999 } });
    expect((await capture.waitFor(withKey(request.dedupeKey))).subject).toBe('Receipt for your payment of €10.50');
  });

  it('refuses, without retry, a dedupe key reused for another recipient', async () => {
    const { sendEmail } = createEmailActivities({ db, mailer, from: FROM });
    const request = receiptRequest();
    await sendEmail(request);

    const reused = sendEmail({ ...request, to: 'mallory@example.com' });
    await expect(reused).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(reused).rejects.toMatchObject({ nonRetryable: true, type: 'EmailDedupeKeyConflict' });
    expect(capture.count((message) => message.to.includes('mallory@example.com'))).toBe(0);
  });

  it('refuses, without retry, data the template cannot render, and stores nothing', async () => {
    const { sendEmail } = createEmailActivities({ db, mailer, from: FROM });
    const request = receiptRequest({ data: { amount: 1050, currency: 'eur', paid_at: '2026-11-22T10:15:00Z' } });

    await expect(sendEmail(request)).rejects.toMatchObject({ nonRetryable: true, type: 'EmailTemplateError' });
    expect(await outboxRow(request.dedupeKey)).toBeUndefined();
  });
});
