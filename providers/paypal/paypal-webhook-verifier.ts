import { verify, X509Certificate } from 'node:crypto';
import zlib from 'node:zlib';
import { WebhookVerificationError } from '../types';

/** PayPal's own certificate hosts; only these are fetched over https. */
export const PAYPAL_CERT_HOSTS = ['api.paypal.com', 'api.sandbox.paypal.com', 'api-m.paypal.com', 'api-m.sandbox.paypal.com'];
const CERT_FETCH_TIMEOUT_MS = 10_000;
const MAX_CACHED_CERTS = 50;

export interface WebhookVerifierSettings {
  webhookId: string;
  /** Further hosts ('host' or 'host:port') allowed to serve certificates, over http or https: PAYPAL_CERT_HOSTS, the local sandbox. */
  extraCertHosts: string[];
  /** How a certificate is downloaded; a test may count calls. */
  fetchCertificate?: (url: string) => Promise<string>;
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

async function download(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(CERT_FETCH_TIMEOUT_MS), redirect: 'error' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

/**
 * Verifies PayPal's webhook signature offline, as PayPal documents it: SHA256withRSA over
 * `<transmission id>|<transmission time>|<webhook id>|<crc32 of the raw body>`, checked with the public key
 * of the certificate at PAYPAL-CERT-URL, which is only fetched from an allowed host and cached by URL.
 */
export class PayPalWebhookVerifier {
  private readonly certificates = new Map<string, Promise<X509Certificate>>();
  private readonly fetchCertificate: (url: string) => Promise<string>;

  constructor(private readonly settings: WebhookVerifierSettings) {
    this.fetchCertificate = settings.fetchCertificate ?? download;
  }

  async verify(rawBody: Buffer, headers: Headers): Promise<void> {
    const transmissionId = header(headers, 'paypal-transmission-id');
    const transmissionTime = header(headers, 'paypal-transmission-time');
    const certUrl = header(headers, 'paypal-cert-url');
    const algorithm = header(headers, 'paypal-auth-algo');
    const signature = header(headers, 'paypal-transmission-sig');
    if (algorithm.toUpperCase() !== 'SHA256WITHRSA') throw new WebhookVerificationError(`Unsupported PAYPAL-AUTH-ALGO ${algorithm}`);
    const certificate = await this.certificate(certUrl);
    const now = Date.now();
    if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) {
      throw new WebhookVerificationError('The PayPal signing certificate is not valid now');
    }
    const message = `${transmissionId}|${transmissionTime}|${this.settings.webhookId}|${crc32(rawBody)}`;
    if (!verify('sha256', Buffer.from(message, 'utf8'), certificate.publicKey, Buffer.from(signature, 'base64'))) {
      throw new WebhookVerificationError('PayPal webhook signature does not match');
    }
  }

  private allowed(url: URL): boolean {
    if (url.protocol === 'https:' && PAYPAL_CERT_HOSTS.includes(url.hostname) && (url.port === '' || url.port === '443')) return true;
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
    return this.settings.extraCertHosts.some((host) => host === url.host || host === url.hostname);
  }

  private certificate(certUrl: string): Promise<X509Certificate> {
    let url: URL;
    try {
      url = new URL(certUrl);
    } catch {
      throw new WebhookVerificationError('PAYPAL-CERT-URL is not a URL');
    }
    if (!this.allowed(url) || url.username || url.password) throw new WebhookVerificationError(`PAYPAL-CERT-URL host ${url.host} is not allowed`);
    const cached = this.certificates.get(url.href);
    if (cached) return cached;
    const loading = this.load(url.href);
    if (this.certificates.size >= MAX_CACHED_CERTS) this.certificates.delete(this.certificates.keys().next().value as string);
    this.certificates.set(url.href, loading);
    loading.catch(() => this.certificates.delete(url.href)); // a failed download is tried again next time
    return loading;
  }

  private async load(url: string): Promise<X509Certificate> {
    let pem: string;
    try {
      pem = await this.fetchCertificate(url);
    } catch (error) {
      throw new WebhookVerificationError(`Could not fetch the PayPal certificate: ${error instanceof Error ? error.message : String(error)}`);
    }
    const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(first ?? pem);
    } catch {
      throw new WebhookVerificationError('PAYPAL-CERT-URL did not serve an X.509 certificate');
    }
    return certificate;
  }
}
