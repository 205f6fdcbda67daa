import { EMAIL_TEMPLATE_NAMES, EmailTemplateError, renderEmail, type EmailTemplateName } from '../../domain/email-templates';

// Intl puts no-break spaces in "10,50 €"; compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
const render = (template: EmailTemplateName, locale: string, data: Record<string, unknown>) => {
  const email = renderEmail(template, locale, data);
  return { subject: plain(email.subject), text: plain(email.text), html: plain(email.html) };
};

const DISPUTE_SAMPLE = {
  dispute_id: 'dsp_1', payment_id: 'pay_1', provider: 'stripe', provider_dispute_id: 'dp_1', amount: 1050, currency: 'eur', reason: 'fraudulent',
  evidence_due_by: '2026-11-30T12:00:00Z', dispute_url: 'http://127.0.0.1:3000/v1/disputes/dsp_1', payment_url: 'http://127.0.0.1:3000/v1/payments/pay_1',
  provider_url: 'https://dashboard.stripe.com/test/disputes/dp_1',
};
const SAMPLE_DATA: Record<EmailTemplateName, Record<string, unknown>> = {
  payment_receipt: { payment_id: 'pay_1', amount: 1050, currency: 'eur', description: 'Blue mug', customer_name: 'Ada', paid_at: '2026-11-22T10:15:00Z' },
  payment_failed: { payment_id: 'pay_1', amount: 1050, currency: 'eur', failure_code: 'insufficient_funds' },
  payment_expired: { payment_id: 'pay_1', amount: 1050, currency: 'eur' },
  refund_requested: { refund_id: 're_1', payment_id: 'pay_1', amount: 1050, currency: 'eur', reason: 'duplicate', requested_at: '2026-11-22T10:15:00Z' },
  refund_review_reminder: { refund_id: 're_1', payment_id: 'pay_1', amount: 1050, currency: 'eur', reason: 'duplicate', requested_at: '2026-11-22T10:15:00Z' },
  refund_approved: { refund_id: 're_1', amount: 1050, currency: 'eur' },
  refund_denied: { refund_id: 're_1', amount: 1050, currency: 'eur', decision_reason: 'Item was used' },
  refund_completed: { refund_id: 're_1', payment_id: 'pay_1', amount: 1050, currency: 'eur', completed_at: '2026-11-23T08:00:00Z' },
  refund_alternative_method_needed: { refund_id: 're_1', amount: 1050, currency: 'eur', failure_message: 'The card is closed.' },
  admin_alert: { alert_id: 'alr_1', kind: 'sync_repaired', severity: 'warning', message: 'Stripe sync repaired 2 payments', details: 'repaired: 2', raised_at: '2026-11-22T10:15:00Z' },
  dispute_opened: { ...DISPUTE_SAMPLE, status: 'needs_response' },
  dispute_evidence_reminder: { ...DISPUTE_SAMPLE, status: 'needs_response' },
  dispute_closed: { ...DISPUTE_SAMPLE, status: 'lost', amount_lost: 1050 },
  document_copy: { payment_id: 'pay_1', amount: 1050, currency: 'eur', document_kind: 'invoice', document_number: 'DP-2026-000042', customer_name: 'Ada' },
  account_details_changed: { refund_id: 're_1', iban_last4: '7034' },
};
/** Operator alerts carry no amount. */
const WITHOUT_AMOUNT: readonly EmailTemplateName[] = ['admin_alert', 'account_details_changed'];

describe('renderEmail', () => {
  describe.each(EMAIL_TEMPLATE_NAMES.filter((name) => !WITHOUT_AMOUNT.includes(name)))('%s', (template) => {
    it('formats the amount for English', () => {
      const email = render(template, 'en', SAMPLE_DATA[template]);
      expect(email.subject).toContain('€10.50');
      expect(email.text).toContain('€10.50');
      expect(email.html).toContain('€10.50');
      expect(email.html).toContain('<html lang="en">');
    });

    it('formats the amount for French, also for fr-BE', () => {
      for (const locale of ['fr', 'fr-BE', 'fr_FR']) {
        const email = render(template, locale, SAMPLE_DATA[template]);
        expect(email.subject).toContain('10,50 €');
        expect(email.text).toContain('10,50 €');
        expect(email.html).toContain('<html lang="fr">');
      }
    });

    it('formats the amount for Dutch and German', () => {
      const dutch = render(template, 'nl-BE', SAMPLE_DATA[template]);
      expect(dutch.subject).toContain('€ 10,50');
      expect(dutch.html).toContain('<html lang="nl">');
      const german = render(template, 'de', SAMPLE_DATA[template]);
      expect(german.subject).toContain('10,50 €');
      expect(german.html).toContain('<html lang="de">');
    });

    it('writes each language differently', () => {
      const texts = ['en', 'fr', 'nl', 'de'].map((locale) => render(template, locale, SAMPLE_DATA[template]).text);
      expect(new Set(texts).size).toBe(4);
    });
  });

  it('falls back to English for unknown or malformed locales', () => {
    for (const locale of ['es', 'xx-?', '']) {
      expect(render('refund_approved', locale, SAMPLE_DATA.refund_approved).subject).toBe('Your refund of €10.50 has been approved');
    }
  });

  it('uses the currency exponent: JPY has no decimals, KWD has three', () => {
    expect(render('payment_receipt', 'en', { ...SAMPLE_DATA.payment_receipt, amount: 500, currency: 'jpy' }).text).toContain('¥500');
    expect(render('payment_receipt', 'en', { ...SAMPLE_DATA.payment_receipt, amount: 500, currency: 'jpy' }).text).not.toContain('¥5.00');
    expect(render('payment_receipt', 'en', { ...SAMPLE_DATA.payment_receipt, amount: 1234, currency: 'kwd' }).text).toContain('KWD 1.234');
    expect(render('payment_receipt', 'fr', { ...SAMPLE_DATA.payment_receipt, amount: 1234, currency: 'kwd' }).text).toContain('1,234 KWD');
    expect(render('payment_receipt', 'fr', { ...SAMPLE_DATA.payment_receipt, amount: 123456, currency: 'eur' }).text).toContain('1 234,56 €');
  });

  it('escapes data in the HTML but keeps it readable in the text', () => {
    const hostile = '<script>alert("x")</script> & Co';
    const email = render('payment_receipt', 'en', { ...SAMPLE_DATA.payment_receipt, customer_name: hostile, description: hostile });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(email.text).toContain(`Hello ${hostile},`);
  });

  it('writes a receipt with the payment reference, description and date', () => {
    const email = render('payment_receipt', 'en', SAMPLE_DATA.payment_receipt);
    expect(email.text).toContain('Payment reference: pay_1');
    expect(email.text).toContain('Description: Blue mug');
    expect(email.text).toContain('November 22, 2026');
    expect(render('payment_receipt', 'fr', SAMPLE_DATA.payment_receipt).text).toContain('22 novembre 2026');
  });

  it('explains a failed payment with the specific reason and what to do next', () => {
    const insufficient = render('payment_failed', 'en', SAMPLE_DATA.payment_failed);
    expect(insufficient.text).toContain('insufficient funds');
    expect(insufficient.text).toMatch(/retry later/);
    const threeDs = render('payment_failed', 'fr', { ...SAMPLE_DATA.payment_failed, failure_code: 'authentication_required' });
    expect(threeDs.text).toContain('3-D Secure');
    const expired = render('payment_failed', 'fr', { ...SAMPLE_DATA.payment_failed, failure_code: 'expired_card' });
    expect(expired.text).toContain('La carte a expiré.');
    const unknown = render('payment_failed', 'en', { ...SAMPLE_DATA.payment_failed, failure_code: 'weird_code', failure_message: 'The issuer is offline.' });
    expect(unknown.text).toContain('Reason: The issuer is offline.');
  });

  it('tells admins how to approve or deny, and reminds them it is still waiting', () => {
    const request = render('refund_requested', 'en', { ...SAMPLE_DATA.refund_requested, details: 'Charged twice', customer_id: 'cus_42' });
    expect(request.text).toContain('POST /v1/refunds/re_1/approve');
    expect(request.text).toContain('POST /v1/refunds/re_1/deny');
    expect(request.text).toContain('Customer: cus_42');
    expect(request.text).toContain('Details: Charged twice');
    expect(request.text).toContain('duplicate payment');
    const reminder = render('refund_review_reminder', 'en', SAMPLE_DATA.refund_review_reminder);
    expect(reminder.subject).toMatch(/still waiting/);
    expect(reminder.text).toContain('POST /v1/refunds/re_1/approve');
    expect(render('refund_review_reminder', 'fr', SAMPLE_DATA.refund_review_reminder).subject).toMatch(/attend toujours/);
  });

  it('gives the denial reason and how to appeal', () => {
    const en = render('refund_denied', 'en', SAMPLE_DATA.refund_denied);
    expect(en.text).toContain('Reason: Item was used');
    expect(en.text).toMatch(/appeal/i);
    expect(en.text).toContain('reply to this email');
    expect(en.text).toContain('POST /v1/refunds/re_1/appeal');
    const fr = render('refund_denied', 'fr', SAMPLE_DATA.refund_denied);
    expect(fr.text).toContain('Motif : Item was used');
    expect(fr.text).toContain('faire appel');
    const custom = render('refund_denied', 'en', { ...SAMPLE_DATA.refund_denied, appeal_instructions: 'Call us on 555-0100.' });
    expect(custom.text).toContain('Call us on 555-0100.');
  });

  it('states the refund timeline in the refund receipt', () => {
    const en = render('refund_completed', 'en', SAMPLE_DATA.refund_completed);
    expect(en.text).toContain('5–10 business days');
    expect(en.text).toContain('Amount refunded: €10.50');
    expect(en.text).toContain('Original payment: pay_1');
    expect(render('refund_completed', 'fr', SAMPLE_DATA.refund_completed).text).toContain('5 à 10 jours ouvrables');
  });

  it('asks for an IBAN and account holder name when the card refund failed', () => {
    const en = render('refund_alternative_method_needed', 'en', SAMPLE_DATA.refund_alternative_method_needed);
    expect(en.text).toContain('IBAN');
    expect(en.text).toContain('account holder');
    expect(en.text).toContain('bank transfer');
    expect(en.text).toContain('The card is closed.');
    expect(render('refund_alternative_method_needed', 'fr', SAMPLE_DATA.refund_alternative_method_needed).text).toContain('titulaire du compte');
  });

  it("says a payment older than the provider's refund window is refunded by bank transfer, not that the card failed", () => {
    const data = { ...SAMPLE_DATA.refund_alternative_method_needed, past_provider_window: 'yes', provider_name: 'PayPal', provider_window_days: '180' };
    const en = render('refund_alternative_method_needed', 'en', data);
    expect(en.text).toContain('Your payment of €10.50 was made more than 180 days ago, and PayPal sends money back only within 180 days, so we refund it by bank transfer.');
    expect(en.text).not.toContain('back to your card');
    expect(en.text).toContain('IBAN');
    expect(render('refund_alternative_method_needed', 'de', data).text).toContain('PayPal zahlt nur innerhalb von 180 Tagen zurück');
  });

  it('tells admins what an alert is about and how to acknowledge it, in English and French', () => {
    const en = render('admin_alert', 'en', SAMPLE_DATA.admin_alert);
    expect(en.subject).toBe('[Durapay warning] Stripe sync repaired 2 payments');
    expect(en.text).toContain('Kind: sync_repaired');
    expect(en.text).toContain('POST /v1/admin/alerts/alr_1/ack');
    const fr = render('admin_alert', 'fr', SAMPLE_DATA.admin_alert);
    expect(fr.text).toContain('Gravité : warning');
    expect(() => renderEmail('admin_alert', 'en', { ...SAMPLE_DATA.admin_alert, message: undefined })).toThrow(/message is required/);
  });

  it('tells admins about a dispute: amount, reason, evidence due date and links; and its outcome', () => {
    const opened = render('dispute_opened', 'en', SAMPLE_DATA.dispute_opened);
    expect(opened.subject).toBe('Payment disputed: €10.50 (fraudulent)');
    expect(opened.text).toContain('Evidence due by: November 30, 2026 at 12:00 PM UTC');
    expect(opened.text).toContain('http://127.0.0.1:3000/v1/disputes/dsp_1');
    expect(opened.text).toContain('https://dashboard.stripe.com/test/disputes/dp_1');
    expect(render('dispute_evidence_reminder', 'en', SAMPLE_DATA.dispute_evidence_reminder).subject).toMatch(/^Reminder: evidence for dispute dsp_1 of €10.50 is due by/);
    expect(render('dispute_closed', 'en', SAMPLE_DATA.dispute_closed).text).toContain('€10.50 is recorded as lost');
    expect(render('dispute_closed', 'fr', { ...SAMPLE_DATA.dispute_closed, status: 'won' }).subject).toBe('Litige dsp_1 de 10,50 € gagné');
  });

  it('refuses missing or malformed data', () => {
    const { payment_id: _omitted, ...withoutPaymentId } = SAMPLE_DATA.payment_receipt;
    expect(() => renderEmail('payment_receipt', 'en', withoutPaymentId)).toThrow(/payment_id is required/);
    expect(() => renderEmail('payment_receipt', 'en', { ...SAMPLE_DATA.payment_receipt, amount: 10.5 })).toThrow(EmailTemplateError);
    expect(() => renderEmail('payment_receipt', 'en', { ...SAMPLE_DATA.payment_receipt, currency: 'xyz' })).toThrow(/unknown currency/);
    expect(() => renderEmail('payment_receipt', 'en', { ...SAMPLE_DATA.payment_receipt, paid_at: 'yesterday' })).toThrow(/not a date/);
  });

  it('says which document is attached to a receipt or refund receipt, in the customer’s language', () => {
    const withInvoice = { ...SAMPLE_DATA.payment_receipt, document_kind: 'invoice', document_number: 'DP-2026-000042' };
    expect(render('payment_receipt', 'en', withInvoice).text).toContain('Your invoice DP-2026-000042 is attached as a PDF.');
    expect(render('payment_receipt', 'nl', withInvoice).text).toContain('Uw factuur DP-2026-000042 zit als pdf in de bijlage.');
    expect(render('payment_receipt', 'en', SAMPLE_DATA.payment_receipt).text).not.toContain('attached');
    const withNote = { ...SAMPLE_DATA.refund_completed, document_kind: 'credit_note', document_number: 'DPC-2026-000003' };
    expect(render('refund_completed', 'de', withNote).text).toContain('Ihre Gutschrift DPC-2026-000003 ist als PDF beigefügt.');
    expect(render('document_copy', 'fr', SAMPLE_DATA.document_copy).subject).toBe('Votre facture DP-2026-000042 (10,50 €)');
  });

  it('explains failures in Dutch and German too', () => {
    expect(render('payment_failed', 'nl', SAMPLE_DATA.payment_failed).text).toContain('Het saldo van de kaart is onvoldoende.');
    expect(render('payment_failed', 'de', SAMPLE_DATA.payment_failed).text).toContain('Grund: Die Karte ist nicht ausreichend gedeckt.');
  });
});
