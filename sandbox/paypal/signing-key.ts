import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import selfsigned from 'selfsigned';

/** The sandbox's webhook signing key and the certificate PAYPAL-CERT-URL serves; kept in the state file. */
export interface SigningKeyMaterial {
  privateKeyPem: string;
  certificatePem: string;
}

const VALIDITY_DAYS = 3650;

/** A fresh RSA key and its self-signed certificate, made by the selfsigned package (Node can read certificates, not create them). */
export async function createSigningKey(): Promise<SigningKeyMaterial> {
  const now = Date.now();
  const generated = await selfsigned.generate(
    [
      { name: 'commonName', value: 'Durapay PayPal sandbox webhook signing' },
      { name: 'organizationName', value: 'Durapay sandbox (not PayPal)' },
    ],
    {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now - 24 * 3600 * 1000), // a day back, for clocks that differ a little
      notAfterDate: new Date(now + VALIDITY_DAYS * 24 * 3600 * 1000),
    },
  );
  return { privateKeyPem: generated.private, certificatePem: generated.cert };
}

/** A stored key is reused only if its certificate is still valid and belongs to it. */
export function isUsable(material: SigningKeyMaterial | undefined): material is SigningKeyMaterial {
  if (!material) return false;
  try {
    const certificate = new X509Certificate(material.certificatePem);
    const key = createPrivateKey(material.privateKeyPem);
    return new Date(certificate.validTo).getTime() > Date.now() && certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** SHA256withRSA over the message, base64: the PAYPAL-TRANSMISSION-SIG value. */
export function signMessage(material: SigningKeyMaterial, message: string): string {
  return sign('sha256', Buffer.from(message, 'utf8'), material.privateKeyPem).toString('base64');
}
