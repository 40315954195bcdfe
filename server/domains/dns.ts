// The DNS look-up behind domain verification (SPEC §6.3): a company's TXT records, read through the
// resolver DNS_SERVERS names (tests run a DNS server on loopback), else the system's own.
import { Resolver } from "node:dns/promises";

/** The TXT records of a name, each as one string (a record's 255-byte chunks joined); none: []. */
export type TxtLookup = (name: string) => Promise<string[]>;

// A name with no TXT record, or no such name at all, is an answer ("nothing published"), not a fault.
const NO_RECORDS = new Set(["ENODATA", "ENOTFOUND", "NXDOMAIN", "ENONAME"]);

export class DnsUnavailableError extends Error {}

export function txtLookup(servers: string[] | undefined): TxtLookup {
  // Short and few tries: an Admin waits for the answer of the Verify button.
  const resolver = new Resolver({ timeout: 2_000, tries: 2 });
  if (servers) resolver.setServers(servers);
  return async (name) => {
    try {
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(""));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === "string" && NO_RECORDS.has(code)) return [];
      throw new DnsUnavailableError(`DNS look-up failed: ${String(code ?? error)}`);
    }
  };
}
