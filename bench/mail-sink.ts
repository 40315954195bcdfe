// The mail server of the portal under test: a real SMTP server on loopback that accepts every
// message and keeps none, as a working mail relay would take them. The portal delivers its outbox
// to it as in production; a closed port instead had every notice retried with backoff, and S5's
// role changes left thousands of retries running through the runs after it.
//   tsx bench/mail-sink.ts PORT
import { SMTPServer } from "smtp-server";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: tsx bench/mail-sink.ts PORT");
  process.exit(2);
}

let accepted = 0;
const server = new SMTPServer({
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  // As many connections as the portal's pool opens, and more.
  maxClients: 100,
  onData(stream, _session, callback) {
    stream.on("data", () => {});
    stream.on("end", () => {
      accepted += 1;
      callback();
    });
  },
});
server.listen(port, "127.0.0.1", () => console.log(`ready smtp://127.0.0.1:${port}`));
const stop = () => {
  console.log(`accepted ${accepted} messages`);
  server.close(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
