/**
 * The SSRF guard for `web_fetch`: a model (or a page it read) must not make wf fetch from the
 * machine itself, the local network or a cloud metadata service.
 *
 * The check runs inside the socket's DNS `lookup` hook: the addresses that are checked are the
 * addresses the socket then connects to, so a DNS answer cannot change between check and connect
 * (DNS rebinding). IP literals never reach `lookup` (Node connects to them directly), so they are
 * checked before the request by {@link checkUrlHost}.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, isIPv4 } from 'node:net';
import type { LookupFunction } from 'node:net';
import { ToolError, type WebPolicy } from './tool.js';

/** Why an address is not public, or undefined for a public address. */
export function classifyAddress(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets and IPv6 zone id
  if (isIPv4(bare)) return classifyV4(parseV4(bare));
  const groups = parseV6(bare);
  if (groups === undefined) return 'not an IP address';
  return classifyV6(groups);
}

function parseV4(address: string): number[] {
  return address.split('.').map(Number);
}

function classifyV4([a = 0, b = 0, c = 0, d = 0]: number[]): string | undefined {
  if (a === 0) return b === 0 && c === 0 && d === 0 ? 'unspecified' : 'reserved ("this network")';
  if (a === 127) return 'loopback';
  if (a === 10) return 'private';
  if (a === 172 && b >= 16 && b <= 31) return 'private';
  if (a === 192 && b === 168) return 'private';
  if (a === 169 && b === 254) return 'link-local (incl. cloud metadata)';
  if (a === 100 && b >= 64 && b <= 127) return 'carrier-grade NAT';
  if (a === 192 && b === 0 && c === 0) return 'reserved (IETF protocol assignments)';
  if (a === 198 && (b === 18 || b === 19)) return 'reserved (benchmarking)';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return a === 255 && b === 255 && c === 255 && d === 255 ? 'broadcast' : 'reserved';
  return undefined;
}

/** Eight 16-bit groups, or undefined when `address` is not IPv6. Handles `::` and a dotted IPv4 tail. */
function parseV6(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.toLowerCase();
  // "::ffff:1.2.3.4" → "::ffff:102:304", so one parser handles both spellings.
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.slice(2).map(Number);
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - left.length - right.length : 0;
  if (fill < 0) return undefined;
  const groups = [...left.map(hex), ...Array<number>(fill).fill(0), ...right.map(hex)];
  return groups.length === 8 && groups.every((group) => group >= 0) ? groups : undefined;
}

function hex(group: string): number {
  return /^[0-9a-f]{1,4}$/.test(group) ? parseInt(group, 16) : -1;
}

function classifyV6(g: number[]): string | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = () => [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  const zeroTo = (n: number) => g.slice(0, n).every((group) => group === 0);
  if (zeroTo(8)) return 'unspecified';
  if (zeroTo(7) && g7 === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d): the IPv4 rules apply.
  if (zeroTo(5) && g5 === 0xffff) return classifyV4(embedded());
  if (zeroTo(6)) return classifyV4(embedded());
  // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return classifyV4(embedded());
  // 6to4 (2002::/16) embeds an IPv4 address in groups 1 and 2.
  if (g0 === 0x2002) {
    const reason = classifyV4([g1 >> 8, g1 & 0xff, g2 >> 8, g2 & 0xff]);
    if (reason) return `${reason} (6to4)`;
  }
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local';
  if ((g0 & 0xfe00) === 0xfc00) return 'unique local (private)';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

/** True when `host` is exempt from the address check (names compared case-insensitively, without brackets). */
export function isAllowedHost(host: string, policy: WebPolicy): boolean {
  const name = normaliseHost(host);
  return policy.allowHosts.some((allowed) => normaliseHost(allowed) === name);
}

function normaliseHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/**
 * Checks a URL's host when it is an IP literal (which bypasses `lookup`). Names are checked later,
 * at connect time, by {@link guardedLookup}.
 */
export function checkUrlHost(url: URL, policy: WebPolicy): void {
  if (policy.allowPrivate || isAllowedHost(url.hostname, policy)) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0) return;
  const reason = classifyAddress(host);
  if (reason) throw new ToolError(`refused to fetch ${url.href}: ${host} is a ${reason} address`);
}

/**
 * A `lookup` for `http.request` that resolves every address of the name and refuses the
 * connection when any of them is not public: refusing on "any" rather than "all" means a name
 * cannot mix a public and a private answer and let the connection pick the private one.
 */
export function guardedLookup(policy: WebPolicy, resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { all: true, family: options.family ?? 0, hints: options.hints ?? 0 }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      if (!policy.allowPrivate && !isAllowedHost(hostname, policy)) {
        for (const { address } of addresses) {
          const reason = classifyAddress(address);
          if (reason) return callback(new ToolError(`refused to fetch from ${hostname}: it resolves to ${address}, a ${reason} address`), '', 0);
        }
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`no addresses for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}
