import { Writable } from 'node:stream';
import { createLogger } from '../../platform/logger';
import { scrub } from '../../platform/redact';

const IBAN = 'BE62510007547061';
const EMAIL = 'an.peeters@example.be';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  return { lines, stream: new Writable({ write: (chunk, _encoding, done) => { lines.push(chunk.toString()); done(); } }) };
}

describe('log redaction', () => {
  it('keeps a planted IBAN and email out of messages, errors and fields', () => {
    const { lines, stream } = capture();
    const log = createLogger('test', 'info', stream);
    const dbError = new Error(`duplicate key value violates unique constraint: Key (email)=(${EMAIL}) iban ${IBAN.replace(/(.{4})/g, '$1 ')}`);
    log.error({ err: dbError, iban: IBAN }, `could not save ${EMAIL}`);
    const text = lines.join('');
    expect(text).toContain('duplicate key value');
    for (const planted of [IBAN, EMAIL, 'BE62 5100']) expect(text).not.toContain(planted);
  });

  it('leaves ids, amounts and timestamps alone', () => {
    const line = 'payment pay_AbC123 of 2500 eur at 2026-11-30T10:00:00Z for cus_42';
    expect(scrub(line)).toBe(line);
  });
});
