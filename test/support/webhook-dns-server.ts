// A DNS server on loopback (dns2) answering A records from a table the test controls, so the
// portal's resolver (DNS_SERVERS) sees exactly the answers a test wants, rebinding included.
import type { AddressInfo } from "node:net";
import dns2 from "dns2";

const { Packet } = dns2;

/** Answers each name with the next address of its list (the last one repeats); other names: none. */
export async function startDnsServer(answers: Record<string, string[]>) {
  const asked: string[] = [];
  const served = new Map<string, number>();
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = question?.name.toLowerCase() ?? "";
      asked.push(name);
      const list = answers[name];
      if (question && list && question.type === Packet.TYPE.A) {
        const index = served.get(name) ?? 0;
        served.set(name, index + 1);
        // A plain record is what the server encodes (the typings ask for a toBuffer it does not use).
        const record = {
          name: question.name,
          type: Packet.TYPE.A,
          class: Packet.CLASS.IN,
          ttl: 0,
          address: list[Math.min(index, list.length - 1)],
        };
        response.answers.push(record as unknown as (typeof response.answers)[number]);
      }
      send(response);
    },
  });
  const listening = new Promise<void>((resolve) => server.once("listening", () => resolve()));
  await server.listen({ udp: { port: 0, address: "127.0.0.1" } });
  await listening;
  const port = (server.addresses().udp as AddressInfo).port;
  return { address: `127.0.0.1:${port}`, asked, close: () => server.close() };
}
