import { DefaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, ENCRYPTED_ENCODING, generateCodecKey, parseCodecKeys } from '../../platform/payload-codec';

const converter = new DefaultPayloadConverter();
const secret = { iban: 'BE62510007547061', email: 'an.peeters@example.be' };

describe('payload encryption codec', () => {
  const [oldKey] = parseCodecKeys(generateCodecKey('old'));
  const [newKey] = parseCodecKeys(generateCodecKey('new'));

  it('encrypts with the first key, names it in the metadata, and decodes back', async () => {
    const codec = new EncryptionCodec([oldKey]);
    const [encoded] = await codec.encode([converter.toPayload(secret)]);
    expect(new TextDecoder().decode(encoded.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(new TextDecoder().decode(encoded.metadata!['encryption-key-id'])).toBe('old');
    expect(Buffer.from(encoded.data!).toString('latin1')).not.toContain(secret.iban);
    const [decoded] = await codec.decode([encoded]);
    expect(converter.fromPayload(decoded)).toEqual(secret);
  });

  it('rotates: a new first key encrypts, the old one still decrypts older payloads', async () => {
    const [before] = await new EncryptionCodec([oldKey]).encode([converter.toPayload(secret)]);
    const rotated = new EncryptionCodec([newKey, oldKey]);
    const [after] = await rotated.encode([converter.toPayload(secret)]);
    expect(new TextDecoder().decode(after.metadata!['encryption-key-id'])).toBe('new');
    expect((await rotated.decode([before, after])).map((p) => converter.fromPayload(p))).toEqual([secret, secret]);
    await expect(new EncryptionCodec([newKey]).decode([before])).rejects.toThrow(/No payload key "old"/);
  });

  it('passes unencrypted payloads through (older histories, replay fixtures) and refuses tampered ones', async () => {
    const codec = new EncryptionCodec([oldKey]);
    const plain = converter.toPayload(secret);
    expect(await codec.decode([plain])).toEqual([plain]);
    const [encoded] = await codec.encode([plain]);
    const tampered = { ...encoded, data: Buffer.from(encoded.data!).fill(7, 20, 21) };
    await expect(codec.decode([tampered])).rejects.toThrow();
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => parseCodecKeys('k1:c2hvcnQ=')).toThrow(/32 bytes/);
  });
});
