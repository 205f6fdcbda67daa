import { createPrivateKey, generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { selfSignedCertificate } from './x509';

/** The sandbox's webhook signing key and the certificate PAYPAL-CERT-URL serves; kept in the state file. */
export interface SigningKeyMaterial {
  privateKeyPem: string;
  certificatePem: string;
}

const VALIDITY_DAYS = 3650;

export function createSigningKey(): SigningKeyMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  const certificatePem = selfSignedCertificate({
    privateKey,
    publicKey,
    commonName: 'Durapay PayPal sandbox webhook signing',
    organization: 'Durapay sandbox (not PayPal)',
    notBefore: new Date(now - 24 * 3600 * 1000), // a day back, for clocks that differ a little
    notAfter: new Date(now + VALIDITY_DAYS * 24 * 3600 * 1000),
  });
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certificatePem };
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
