import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import selfsigned from 'selfsigned';

/**
 * The sandbox's webhook signing material, kept in the state file. Like PayPal's, it is a chain: a leaf for
 * messageverificationcerts.sandbox.paypal.com issued by a CA (here the sandbox's own, which the engine trusts because it
 * is configured to talk to this sandbox), served over HTTPS with a TLS certificate from the same CA.
 */
export interface SigningKeyMaterial {
  privateKeyPem: string;
  /** The leaf that signs webhooks. */
  certificatePem: string;
  caCertificatePem: string;
  /** The HTTPS certificate server's key and certificate (127.0.0.1 and localhost). */
  tlsPrivateKeyPem: string;
  tlsCertificatePem: string;
}

/** What PayPal's sandbox signing certificate names; the engine checks the leaf's subject for it. */
export const SANDBOX_SIGNING_SUBJECT = 'messageverificationcerts.sandbox.paypal.com';
const VALIDITY_DAYS = 3650;
const ORGANIZATION = 'Durapay sandbox (not PayPal)';

/** A CA, a signing leaf and a TLS certificate, made by the selfsigned package (Node can read certificates, not create them). */
export async function createSigningKey(): Promise<SigningKeyMaterial> {
  const now = Date.now();
  const validity = {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 24 * 3600 * 1000), // a day back, for clocks that differ a little
    notAfterDate: new Date(now + VALIDITY_DAYS * 24 * 3600 * 1000),
  };
  const ca = await selfsigned.generate(
    [{ name: 'commonName', value: 'Durapay PayPal sandbox CA' }, { name: 'organizationName', value: ORGANIZATION }],
    { ...validity, extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }] },
  );
  const issuer = { key: ca.private, cert: ca.cert };
  const leaf = await selfsigned.generate(
    [{ name: 'commonName', value: SANDBOX_SIGNING_SUBJECT }, { name: 'organizationName', value: ORGANIZATION }],
    { ...validity, ca: issuer, extensions: [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, critical: true }] },
  );
  const tls = await selfsigned.generate(
    [{ name: 'commonName', value: '127.0.0.1' }, { name: 'organizationName', value: ORGANIZATION }],
    {
      ...validity, ca: issuer,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
      ],
    },
  );
  return { privateKeyPem: leaf.private, certificatePem: leaf.cert, caCertificatePem: ca.cert, tlsPrivateKeyPem: tls.private, tlsCertificatePem: tls.cert };
}

/** Stored material is reused only if it is a whole chain: the leaf valid, belonging to its key, issued by the CA. */
export function isUsable(material: Partial<SigningKeyMaterial> | undefined): material is SigningKeyMaterial {
  if (!material?.privateKeyPem || !material.certificatePem || !material.caCertificatePem || !material.tlsPrivateKeyPem || !material.tlsCertificatePem) return false;
  try {
    const certificate = new X509Certificate(material.certificatePem);
    const ca = new X509Certificate(material.caCertificatePem);
    const key = createPrivateKey(material.privateKeyPem);
    return new Date(certificate.validTo).getTime() > Date.now() && certificate.checkPrivateKey(key) && certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
  } catch {
    return false;
  }
}

/** SHA256withRSA over the message, base64: the PAYPAL-TRANSMISSION-SIG value. */
export function signMessage(material: SigningKeyMaterial, message: string): string {
  return sign('sha256', Buffer.from(message, 'utf8'), material.privateKeyPem).toString('base64');
}
