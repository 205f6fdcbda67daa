import { verify, X509Certificate } from 'node:crypto';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import zlib from 'node:zlib';
import { WebhookVerificationError } from '../types';

/** PayPal's own certificate hosts; only these (and configured extra hosts) are fetched, over HTTPS only. */
export const PAYPAL_CERT_HOSTS = ['api.paypal.com', 'api.sandbox.paypal.com', 'api-m.paypal.com', 'api-m.sandbox.paypal.com'];
/** The path PayPal serves signing certificates under. */
export const PAYPAL_CERT_PATH_PREFIX = '/v1/notifications/certs/';
/** The subjects (CN) of PayPal's webhook signing certificates, live and sandbox. */
export const PAYPAL_SIGNING_SUBJECTS = ['messageverificationcerts.paypal.com', 'messageverificationcerts.sandbox.paypal.com'];
/** A transmission older or newer than this is refused, so a captured delivery can't be replayed later. */
export const TRANSMISSION_TOLERANCE_SECONDS = 300;
const CERT_FETCH_TIMEOUT_MS = 10_000;
const MAX_CERT_BYTES = 64 * 1024;
const MAX_CACHED_CERTS = 50;

export interface WebhookVerifierSettings {
  webhookId: string;
  /** Further hosts ('host' or 'host:port') allowed to serve certificates, over HTTPS too: PAYPAL_CERT_HOSTS, the local sandbox. */
  extraCertHosts: string[];
  /** CAs trusted besides the system's (Node's bundled roots): the local sandbox's, when the engine is configured for it. */
  trustAnchors?: () => Promise<string[]>;
  /** How a certificate chain is downloaded (HTTPS, trusting `ca`); a test may count calls. */
  fetchCertificate?: (url: string, ca: string[]) => Promise<string>;
  now?: () => number;
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string {
  const value = headers[name] ?? headers[name.toUpperCase()];
  const single = Array.isArray(value) ? value[0] : value;
  if (!single) throw new WebhookVerificationError(`Missing ${name} header`);
  return single;
}

/** CRC-32 of the raw body as an unsigned decimal, as PayPal signs it (zlib.crc32 is Node 20.15+). */
function crc32(body: Buffer): number {
  return zlib.crc32(body) >>> 0;
}

/** GET over HTTPS, the server's certificate checked against `ca`, no redirects, a size cap. */
export function downloadCertificate(url: string, ca: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, timeout: CERT_FETCH_TIMEOUT_MS }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`HTTP ${response.statusCode}`));
        return;
      }
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_CERT_BYTES) request.destroy(new Error('certificate too large'));
      });
      response.on('end', () => resolve(body));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

function commonName(certificate: X509Certificate): string | null {
  return /^CN=(.+)$/m.exec(certificate.subject)?.[1]?.trim() ?? null;
}

/**
 * The leaf that signs, checked like a TLS peer: every certificate in the served chain valid now and issued (signature
 * verified) by the next, the last one a trusted root or issued by one, and the leaf named for PayPal's webhook signing.
 */
export function checkSigningChain(pem: string, anchors: string[], now: number): X509Certificate {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new WebhookVerificationError('PAYPAL-CERT-URL did not serve an X.509 certificate');
  let chain: X509Certificate[];
  try {
    chain = blocks.map((block) => new X509Certificate(block));
  } catch {
    throw new WebhookVerificationError('PAYPAL-CERT-URL served an unreadable certificate');
  }
  for (const certificate of chain) {
    if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) {
      throw new WebhookVerificationError('A certificate of the PayPal signing chain is not valid now');
    }
  }
  for (let index = 0; index + 1 < chain.length; index += 1) {
    const [child, parent] = [chain[index], chain[index + 1]];
    if (!parent.ca || !child.checkIssued(parent) || !child.verify(parent.publicKey)) {
      throw new WebhookVerificationError('The PayPal signing chain is broken');
    }
  }
  const top = chain[chain.length - 1];
  const trusted = anchors.map((anchor) => new X509Certificate(anchor)).some((root) =>
    root.fingerprint256 === top.fingerprint256 || (root.ca && top.checkIssued(root) && top.verify(root.publicKey)));
  if (!trusted) throw new WebhookVerificationError('The PayPal signing chain does not lead to a trusted root');
  const leaf = chain[0];
  const name = commonName(leaf);
  if (!name || !PAYPAL_SIGNING_SUBJECTS.includes(name)) throw new WebhookVerificationError(`The signing certificate is issued to ${name ?? 'nobody'}, not PayPal's webhook signing`);
  return leaf;
}

/**
 * Verifies PayPal's webhook signature offline, as PayPal documents it: SHA256withRSA over
 * `<transmission id>|<transmission time>|<webhook id>|<crc32 of the raw body>`, checked with the public key of the
 * certificate at PAYPAL-CERT-URL. That URL must be HTTPS on PayPal's certificate host and path; the chain is checked
 * up to a trusted root and the leaf must be PayPal's signing certificate. The transmission must be recent. A CRC-32
 * can be matched by a crafted body, so what passes here stays a hint: the engine asks PayPal before money is counted,
 * and transmission ids are deduplicated where webhooks are stored.
 */
export class PayPalWebhookVerifier {
  private readonly certificates = new Map<string, Promise<X509Certificate>>();
  private readonly fetchCertificate: (url: string, ca: string[]) => Promise<string>;
  private readonly now: () => number;

  constructor(private readonly settings: WebhookVerifierSettings) {
    this.fetchCertificate = settings.fetchCertificate ?? downloadCertificate;
    this.now = settings.now ?? Date.now;
  }

  /** Returns the transmission id: the caller dedupes on it. */
  async verify(rawBody: Buffer, headers: Headers): Promise<{ transmissionId: string }> {
    const transmissionId = header(headers, 'paypal-transmission-id');
    const transmissionTime = header(headers, 'paypal-transmission-time');
    const certUrl = header(headers, 'paypal-cert-url');
    const algorithm = header(headers, 'paypal-auth-algo');
    const signature = header(headers, 'paypal-transmission-sig');
    if (algorithm.toUpperCase() !== 'SHA256WITHRSA') throw new WebhookVerificationError(`Unsupported PAYPAL-AUTH-ALGO ${algorithm}`);
    const sentAt = Date.parse(transmissionTime);
    if (!Number.isFinite(sentAt) || Math.abs(this.now() - sentAt) > TRANSMISSION_TOLERANCE_SECONDS * 1000) {
      throw new WebhookVerificationError(`PAYPAL-TRANSMISSION-TIME is not within ${TRANSMISSION_TOLERANCE_SECONDS / 60} minutes of now`);
    }
    const certificate = await this.certificate(certUrl);
    const message = `${transmissionId}|${transmissionTime}|${this.settings.webhookId}|${crc32(rawBody)}`;
    if (!verify('sha256', Buffer.from(message, 'utf8'), certificate.publicKey, Buffer.from(signature, 'base64'))) {
      throw new WebhookVerificationError('PayPal webhook signature does not match');
    }
    return { transmissionId };
  }

  private allowed(url: URL): boolean {
    if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) return false;
    if (!url.pathname.startsWith(PAYPAL_CERT_PATH_PREFIX) || url.pathname.includes('..')) return false;
    if (PAYPAL_CERT_HOSTS.includes(url.hostname) && url.port === '') return true;
    return this.settings.extraCertHosts.some((host) => host === url.host || host === url.hostname);
  }

  private certificate(certUrl: string): Promise<X509Certificate> {
    let url: URL;
    try {
      url = new URL(certUrl);
    } catch {
      throw new WebhookVerificationError('PAYPAL-CERT-URL is not a URL');
    }
    if (!this.allowed(url)) throw new WebhookVerificationError(`PAYPAL-CERT-URL ${url.origin}${url.pathname} is not PayPal's certificate host and path over HTTPS`);
    const cached = this.certificates.get(url.href);
    if (cached) return cached.then((leaf) => this.stillValid(leaf));
    const loading = this.load(url.href);
    if (this.certificates.size >= MAX_CACHED_CERTS) this.certificates.delete(this.certificates.keys().next().value as string);
    this.certificates.set(url.href, loading);
    loading.catch(() => this.certificates.delete(url.href)); // a failed download is tried again next time
    return loading;
  }

  private stillValid(leaf: X509Certificate): X509Certificate {
    if (this.now() > Date.parse(leaf.validTo)) throw new WebhookVerificationError('The PayPal signing certificate has expired');
    return leaf;
  }

  private async load(url: string): Promise<X509Certificate> {
    const anchors = [...rootCertificates, ...((await this.settings.trustAnchors?.()) ?? [])];
    let pem: string;
    try {
      pem = await this.fetchCertificate(url, anchors);
    } catch (error) {
      throw new WebhookVerificationError(`Could not fetch the PayPal certificate: ${error instanceof Error ? error.message : String(error)}`);
    }
    return checkSigningChain(pem, anchors, this.now());
  }
}
