import { crc32 } from './crc32';
import { newTransmissionId } from './ids';
import { signMessage, type SigningKeyMaterial } from './signing-key';

/**
 * The headers PayPal signs a webhook with: SHA256withRSA over
 * `<transmission id>|<transmission time>|<webhook id>|<CRC-32 of the raw body, unsigned decimal>`.
 */
export function signedWebhookHeaders(input: { body: string; webhookId: string; certUrl: string; key: SigningKeyMaterial }): Record<string, string> {
  const transmissionId = newTransmissionId();
  const transmissionTime = new Date().toISOString();
  const message = `${transmissionId}|${transmissionTime}|${input.webhookId}|${crc32(Buffer.from(input.body, 'utf8'))}`;
  return {
    'paypal-transmission-id': transmissionId,
    'paypal-transmission-time': transmissionTime,
    'paypal-cert-url': input.certUrl,
    'paypal-auth-algo': 'SHA256withRSA',
    'paypal-transmission-sig': signMessage(input.key, message),
  };
}
