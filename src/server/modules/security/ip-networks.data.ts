/**
 * The bundled IP range table of the new-network detector (DJ-17): CIDR → a country-scale network name and
 * its country. A small curated sample, not a complete map:
 *
 * - special-purpose ranges from the IANA IPv4/IPv6 Special-Purpose Address Registries (RFC 6890: loopback,
 *   RFC 1918 private, RFC 4193 unique local, RFC 5737 documentation ranges — the tests use these);
 * - a few large blocks of the Chinese carriers and CERNET taken from APNIC's delegation statistics
 *   (https://ftp.apnic.net/stats/apnic/delegated-apnic-latest, lines `apnic|CN|ipv4|…`) and the carriers'
 *   WHOIS `netname`s.
 *
 * Operators replace it with a full table (APNIC's delegated file for CN, or a commercial IP geolocation
 * database) in the same shape: the longest matching prefix names the network; an address in no range is
 * the network `other` (country `--`). docs/security.md says how.
 */
export interface IpNetwork {
  cidr: string;
  /** The network a login is counted under: a carrier or a special-purpose range. */
  network: string;
  /** ISO 3166-1 alpha-2; `--` for special-purpose ranges. */
  country: string;
}

export const IP_NETWORKS: readonly IpNetwork[] = [
  // Special-purpose (IANA): one network per kind, so moving inside a hospital's LAN is not "new".
  { cidr: '127.0.0.0/8', network: 'loopback', country: '--' },
  { cidr: '::1/128', network: 'loopback', country: '--' },
  { cidr: '10.0.0.0/8', network: 'private', country: '--' },
  { cidr: '172.16.0.0/12', network: 'private', country: '--' },
  { cidr: '192.168.0.0/16', network: 'private', country: '--' },
  { cidr: 'fc00::/7', network: 'private', country: '--' },
  { cidr: '192.0.2.0/24', network: 'test-net-1', country: '--' },
  { cidr: '198.51.100.0/24', network: 'test-net-2', country: '--' },
  { cidr: '203.0.113.0/24', network: 'test-net-3', country: '--' },
  { cidr: '2001:db8::/32', network: 'documentation-v6', country: '--' },
  // China Telecom (CHINANET)
  { cidr: '1.80.0.0/12', network: 'CHINANET', country: 'CN' },
  { cidr: '36.96.0.0/11', network: 'CHINANET', country: 'CN' },
  { cidr: '220.181.0.0/16', network: 'CHINANET', country: 'CN' },
  { cidr: '240e::/20', network: 'CHINANET', country: 'CN' },
  // China Unicom (CNCGROUP / UNICOM)
  { cidr: '58.16.0.0/13', network: 'UNICOM', country: 'CN' },
  { cidr: '114.240.0.0/12', network: 'UNICOM', country: 'CN' },
  { cidr: '2408:8000::/20', network: 'UNICOM', country: 'CN' },
  // China Mobile (CMNET)
  { cidr: '111.0.0.0/10', network: 'CMNET', country: 'CN' },
  { cidr: '117.128.0.0/10', network: 'CMNET', country: 'CN' },
  { cidr: '223.64.0.0/11', network: 'CMNET', country: 'CN' },
  { cidr: '2409:8000::/20', network: 'CMNET', country: 'CN' },
  // China Education and Research Network
  { cidr: '202.112.0.0/13', network: 'CERNET', country: 'CN' },
  { cidr: '166.111.0.0/16', network: 'CERNET', country: 'CN' },
];
