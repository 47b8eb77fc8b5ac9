import ipaddr from 'ipaddr.js';

/**
 * Whether an address is an ordinary public one. Everything ipaddr.js puts in a special range is
 * refused: private, loopback, link-local, unique-local, carrier-grade NAT, multicast, unspecified,
 * broadcast, reserved and documentation ranges, 6to4/Teredo/NAT64 (they can embed a private IPv4).
 * IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 it carries; the deprecated
 * IPv4-compatible ::a.b.c.d, which ipaddr.js leaves as unicast, is refused too.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (parsed.range() !== 'unicast') return false;
  if (parsed.kind() === 'ipv6')
    return !parsed
      .toByteArray()
      .slice(0, 12)
      .every((byte) => byte === 0);
  return true;
}

/** The host of a URL as an IP address when it is one (IPv6 without brackets), else undefined. */
export function ipLiteralOf(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return ipaddr.isValid(host) ? host : undefined;
}
