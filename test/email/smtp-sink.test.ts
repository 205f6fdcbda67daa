import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMailer } from '../../platform/mailer';
import { startSmtpSink } from '../../platform/smtp-sink';
import { parseEmail, startSmtpCapture } from '../support/smtp-capture';

const message = (n: number) => ({
  from: 'Durapay <payments@durapay.local>',
  to: 'admin@durapay.local',
  subject: `Remboursement n°${n} à décider`,
  text: `Message ${n}`,
  html: `<p>Message ${n}</p>`,
  messageId: `<sink-${n}@durapay>`,
});

describe('startSmtpSink', () => {
  it('writes each message as an .eml file a person can open, and logs it', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'durapay-sink-'));
    const lines: string[] = [];
    const sink = await startSmtpSink({ dataDir, port: 0, log: (line) => lines.push(line) });
    const mailer = createMailer(sink.url);
    try {
      expect(sink.url).toBe(`smtp://127.0.0.1:${sink.port}`);
      expect(sink.mailDir).toBe(path.join(dataDir, 'mail'));
      await mailer.sendMail(message(1));
      await mailer.sendMail(message(2));

      const files = (await fs.readdir(sink.mailDir)).sort();
      expect(files).toHaveLength(2);
      for (const file of files) expect(file).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-\d+\.eml$/);
      const parsed = await Promise.all(files.map(async (file) => parseEmail(await fs.readFile(path.join(sink.mailDir, file)), [])));
      expect(parsed.map((email) => email.subject).sort()).toEqual(['Remboursement n°1 à décider', 'Remboursement n°2 à décider']);
      expect(parsed.map((email) => email.messageId).sort()).toEqual(['<sink-1@durapay>', '<sink-2@durapay>']);

      expect(lines).toHaveLength(2);
      expect(lines[0]).toContain('to admin@durapay.local subject "Remboursement n°1 à décider"');
    } finally {
      mailer.close();
      await sink.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to listen beyond loopback', async () => {
    await expect(startSmtpSink({ dataDir: os.tmpdir(), port: 0, host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });
});

describe('startSmtpCapture', () => {
  it('waits for a message still to come, and names what it saw when none matches', async () => {
    const capture = await startSmtpCapture();
    const mailer = createMailer(capture.url);
    try {
      const arriving = capture.waitFor((m) => m.subject.includes('n°3'));
      await mailer.sendMail(message(3));
      expect((await arriving).text.trim()).toBe('Message 3');
      expect(capture.count((m) => m.to.includes('admin@durapay.local'))).toBe(1);
      await expect(capture.waitFor((m) => m.subject === 'never sent', 50)).rejects.toThrow(/received: admin@durapay.local: Remboursement n°3/);
    } finally {
      mailer.close();
      await capture.close();
    }
  });
});
