/**
 * Address ranges, parsed once with ipaddr.js: the console ranges (DJ-19) and the network table of the
 * new-network detector (DJ-17, ip-networks.data.ts). IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, what a
 * dual-stack socket reports) are matched as the IPv4 address they carry.
 */
import ipaddr from 'ipaddr.js';
import { IP_NETWORKS, type IpNetwork } from './ip-networks.data.js';

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Parsed, number];

export function parseAddress(address: string): Parsed | null {
  if (!ipaddr.isValid(address)) return null;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed;
}

const inRange = (addr: Parsed, [net, bits]: Range) => addr.kind() === net.kind() && addr.match(net, bits);

/** A matcher over a CIDR list; an invalid CIDR fails at start-up, not at the first request. */
export function rangeMatcher(cidrs: readonly string[]): (address: string) => boolean {
  const ranges = cidrs.map((c) => ipaddr.parseCIDR(c) as Range);
  return (address) => {
    const addr = parseAddress(address);
    return addr !== null && ranges.some((r) => inRange(addr, r));
  };
}

const TABLE = IP_NETWORKS.map((n) => ({ ...n, range: ipaddr.parseCIDR(n.cidr) as Range })).sort(
  (a, b) => b.range[1] - a.range[1],
);

/** The network an address belongs to: the longest matching prefix of the table, or `other`. */
export function networkOf(address: string | null): Pick<IpNetwork, 'network' | 'country'> {
  const addr = address ? parseAddress(address) : null;
  const hit = addr ? TABLE.find((n) => inRange(addr, n.range)) : undefined;
  return hit ? { network: hit.network, country: hit.country } : { network: 'other', country: '--' };
}
