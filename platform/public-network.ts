import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

/**
 * Merchant webhook URLs come from the network: unless allowed, they may only reach the public internet, never this
 * machine, its private network or a cloud metadata address (server-side request forgery). The check runs on the
 * address the connection really uses, so a host name that resolves (or re-resolves) to a private address is refused too.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** A URL whose host is written as a private address or a local name: refused when it is registered, before any lookup. */
export function namesPrivateHost(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  return ipaddr.isValid(host) && !isPublicAddress(host);
}

export class PrivateAddressRefused extends Error {
  readonly code = 'EPRIVATEADDRESS';
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, which is not a public address`);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type ResolveAll = (hostname: string, options: { all: true }, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** A dns.lookup (for undici's connector) that answers only public addresses; `resolve` is the system's lookup. */
export function publicOnlyLookup(resolve: ResolveAll = dnsLookup as unknown as ResolveAll) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.find((entry) => !isPublicAddress(entry.address));
      if (refused) return callback(new PrivateAddressRefused(hostname, refused.address), []);
      return options.all ? callback(null, addresses) : callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** An HTTP client (undici) whose connections can only reach public addresses. */
export function publicNetworkAgent(): Agent {
  return new Agent({ connect: { lookup: publicOnlyLookup() as never } });
}
