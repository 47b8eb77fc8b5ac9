import { type LookupAddress, type LookupOptions, lookup } from 'node:dns';
import { Agent, request } from 'undici';
import { ipLiteralOf, isPublicAddress } from '../../domain/destination.ts';

/** A destination on a private, loopback, link-local or otherwise special address (SSRF guard). */
export class DestinationRefused extends Error {
  override name = 'DestinationRefused';
}

function refusal(host: string, address: string): DestinationRefused {
  return new DestinationRefused(`${host} is ${address}, not a public address`);
}

/** Every address a host resolves to, as `dns.lookup` gives them (hosts file included). */
function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    lookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
}

/**
 * Refuses a URL whose host is, or resolves to, an address that is not public. Every address must
 * be public: a name that also points inside the network is refused, whichever one a client would pick.
 */
export async function assertPublicDestination(url: URL): Promise<void> {
  const literal = ipLiteralOf(url);
  if (literal !== undefined) {
    if (!isPublicAddress(literal)) throw refusal(url.hostname, literal);
    return;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(url.hostname);
  } catch {
    throw new DestinationRefused(`${url.hostname} does not resolve`);
  }
  const inside = addresses.find((entry) => !isPublicAddress(entry.address));
  if (inside) throw refusal(url.hostname, inside.address);
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * The connection's own name resolution: the addresses are checked and the socket connects to the
 * address checked, so a name that changes its answer between a check and the connection (DNS
 * rebinding) cannot reach inside.
 */
function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const inside = addresses.find((entry) => !isPublicAddress(entry.address));
    if (inside) return callback(refusal(hostname, inside.address), []);
    const [first] = addresses;
    if (options.all || !first) return callback(null, addresses);
    return callback(null, first.address, first.family);
  });
}

export interface NotificationSender {
  /** Posts `body`; the receiver's status code, or a thrown error (refused, unreachable, timed out). */
  post(url: string, headers: Record<string, string>, body: string): Promise<number>;
  close(): Promise<void>;
}

/** Outbound HTTP for notifications: no redirects, a timeout per request, and the SSRF guard unless private URLs are allowed. */
export function createNotificationSender(options: {
  allowPrivate: boolean;
  timeoutMs: number;
}): NotificationSender {
  const agent = new Agent({
    connect: {
      timeout: options.timeoutMs,
      ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
    },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  return {
    async post(url, headers, body) {
      const target = new URL(url);
      // An IP literal never goes through the lookup: check it here.
      const literal = ipLiteralOf(target);
      if (!options.allowPrivate && literal !== undefined && !isPublicAddress(literal)) {
        throw refusal(target.hostname, literal);
      }
      const response = await request(target, {
        method: 'POST',
        headers,
        body,
        dispatcher: agent,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      // The answer's body is not kept: only its status counts.
      await response.body.dump();
      return response.statusCode;
    },
    close: () => agent.close(),
  };
}
