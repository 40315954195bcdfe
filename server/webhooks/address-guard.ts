// The SSRF guard of webhook deliveries (SPEC §6.5): in production a URL whose host resolves to a
// private, loopback, link-local, multicast, reserved or cloud-metadata address is refused, and the
// check runs in the socket's own lookup, so the address connected to is the address checked (a DNS
// answer that changes between a check and the connection, "rebinding", cannot slip through).
import { lookup, Resolver } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import { BlockList, isIP } from "node:net";

const BLOCKED = new BlockList();
for (const [network, bits] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved and broadcast
] as const) {
  BLOCKED.addSubnet(network, bits, "ipv4");
}
for (const [network, bits] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96], // NAT64
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7], // unique local (AWS metadata fd00:ec2::254 included)
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  BLOCKED.addSubnet(network, bits, "ipv6");
}

/** True when a webhook may connect to this address in production. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !BLOCKED.check(address, "ipv4");
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return isPublicAddress(mapped);
    return !BLOCKED.check(address, "ipv6");
  }
  return false;
}

export class BlockedAddressError extends Error {
  readonly code = "EWEBHOOKBLOCKED";
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} resolves to ${address}, an address webhooks may not reach`);
  }
}

export type HostResolver = (host: string) => Promise<string[]>;

/**
 * Resolves a host to every address: through `DNS_SERVERS` when configured (tests run one on
 * loopback), else the system's resolver (hosts file included); an IP literal is its own answer.
 */
export function hostResolver(dnsServers: readonly string[]): HostResolver {
  const resolver = new Resolver({ timeout: 3_000, tries: 2 });
  if (dnsServers.length > 0) resolver.setServers([...dnsServers]);
  return async (host) => {
    const bare = host.replace(/^\[|\]$/g, "");
    if (isIP(bare)) return [bare];
    if (dnsServers.length === 0) {
      return (await lookup(bare, { all: true, verbatim: true })).map((answer) => answer.address);
    }
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(bare), resolver.resolve6(bare)]);
    const addresses = [
      ...(v4.status === "fulfilled" ? v4.value : []),
      ...(v6.status === "fulfilled" ? v6.value : []),
    ];
    if (addresses.length === 0) {
      throw v4.status === "rejected" ? v4.reason : new Error(`${bare} has no address`);
    }
    return addresses;
  };
}

/** Refuses when `guard` is on (production) and any of the addresses is not public. */
export function refuseBlocked(host: string, addresses: readonly string[], guard: boolean): void {
  const blocked = guard ? addresses.find((address) => !isPublicAddress(address)) : undefined;
  if (blocked) throw new BlockedAddressError(host, blocked);
}

/**
 * The socket lookup of deliveries: resolves, refuses a blocked answer, and hands Node the checked
 * addresses, which are the only ones it connects to.
 */
export function guardedLookup(resolve: HostResolver, guard: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((addresses) => {
        refuseBlocked(hostname, addresses, guard);
        const chosen = addresses.map((address) => ({ address, family: isIP(address) }));
        if (options.all) {
          (callback as unknown as (error: null, all: typeof chosen) => void)(null, chosen);
        } else {
          const first = chosen[0] as { address: string; family: number };
          callback(null, first.address, first.family);
        }
      })
      .catch((error: Error) => callback(error as NodeJS.ErrnoException, "", 4));
  };
}
