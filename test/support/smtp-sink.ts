// A real SMTP server on loopback for mail tests: records what it receives and how many connections
// brought it, can be stopped and started again on the same port to play a mail server outage.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { to: string[]; raw: string };

export async function startSmtpSink(port = 0) {
  const received: ReceivedMail[] = [];
  let connections = 0;
  let server: SMTPServer | null = null;
  let boundPort = port;

  const listen = async () => {
    server = new SMTPServer({
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      // A stop ends open (pooled) connections at once, as a mail server going down would.
      closeTimeout: 1,
      onConnect(_session, callback) {
        connections += 1;
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server?.once("error", reject);
      server?.listen(boundPort, "127.0.0.1", () => resolve());
    });
    boundPort = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  };

  await listen();
  return {
    received,
    /** Connections opened to this sink since it first started. */
    get connections() {
      return connections;
    },
    get url() {
      return `smtp://127.0.0.1:${boundPort}`;
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = null;
    },
    async restart() {
      await listen();
    },
  };
}
