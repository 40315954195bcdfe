// A real DNS server on loopback (dns2, UDP) for tests that resolve names: domain verification's TXT
// records, an SSRF test's A records. Point the app at it with DNS_SERVERS=127.0.0.1:<port>.
import dns2 from "dns2";

/**
 * Records by name (any case, no trailing dot). A TXT record is a string, or its character-strings
 * as an array (a record over 255 bytes is sent in pieces, as real zones do).
 */
export type DnsRecords = Record<string, { TXT?: (string | string[])[]; A?: string[]; AAAA?: string[] }>;

export type DnsServer = {
  port: number;
  /** Replaces every record; the next question sees the new ones. */
  setRecords(records: DnsRecords): void;
  close(): Promise<void>;
};

export async function startDnsServer(options: { records?: DnsRecords } = {}): Promise<DnsServer> {
  const { Packet } = dns2;
  let records = new Map<string, DnsRecords[string]>();
  const setRecords = (next: DnsRecords) => {
    records = new Map(
      Object.entries(next).map(([name, value]) => [name.toLowerCase().replace(/\.$/, ""), value]),
    );
  };
  setRecords(options.records ?? {});

  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      // dns2 encodes plain records; its type wants the decoded class it reads answers into.
      const answer = (record: Record<string, unknown>) =>
        response.answers.push(record as unknown as (typeof response.answers)[number]);
      for (const question of request.questions) {
        const name = question.name.toLowerCase().replace(/\.$/, "");
        const found = records.get(name);
        if (!found) continue;
        const base = { name: question.name, class: Packet.CLASS.IN, ttl: 1 };
        if (question.type === Packet.TYPE.TXT) {
          for (const data of found.TXT ?? []) answer({ ...base, type: Packet.TYPE.TXT, data });
        } else if (question.type === Packet.TYPE.A) {
          for (const address of found.A ?? []) answer({ ...base, type: Packet.TYPE.A, address });
        } else if (question.type === Packet.TYPE.AAAA) {
          for (const address of found.AAAA ?? []) answer({ ...base, type: Packet.TYPE.AAAA, address });
        }
      }
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: "127.0.0.1" } });
  const port = addresses.udp?.port;
  if (!port) throw new Error("the DNS server did not listen on UDP");
  return { port, setRecords, close: () => server.close() };
}

/** The brief's spelling: `start({records})`. */
export const start = startDnsServer;
