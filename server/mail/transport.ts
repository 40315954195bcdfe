// Where mail goes: an SMTP server through nodemailer when SMTP_URL is set, otherwise the embedded
// mailbox (development only), where delivering means printing it and keeping it readable.
import net from "node:net";

export type MailEnvelope = { to: string; subject: string; text: string; html: string };

export interface MailTransport {
  /** external: whether delivery hands the mail to another system (so its secrets can be wiped). */
  readonly isExternal: boolean;
  send(mail: MailEnvelope): Promise<void>;
  close(): void;
}

/**
 * The SMTP URL with nodemailer's connection pool on, unless the URL says otherwise: one connection
 * carries many messages instead of a new connection, greeting and login for each.
 */
export function pooledSmtpUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.searchParams.has("pool")) return url;
  parsed.searchParams.set("pool", "true");
  return parsed.toString();
}

/** How long opening a connection to the mail server may take before it counts as failed. */
const CONNECT_TIMEOUT_MS = 30_000;

type SocketCallback = (error: Error | null, socket?: { connection: net.Socket }) => void;

/**
 * Opens nodemailer's connection to the mail server with Nagle's algorithm off. nodemailer writes a
 * message in several pieces; with Nagle on, the last waited for the acknowledgement of the one before,
 * which the server delays by 40 ms while it has nothing to answer: 48 ms a message on loopback, 5 ms
 * without. nodemailer still speaks SMTP on it, and still wraps it in TLS for smtps:// or STARTTLS.
 */
export function connectWithoutDelay(
  options: { host?: string; port?: number | string; secure?: boolean },
  callback: SocketCallback,
): void {
  // nodemailer's own defaults for a URL that names no port.
  const port = Number(options.port) || (options.secure ? 465 : 587);
  const socket = net.connect({ host: options.host ?? "localhost", port });
  socket.setNoDelay(true);
  socket.setTimeout(CONNECT_TIMEOUT_MS);
  const fail = (error: Error) => {
    socket.destroy();
    callback(error);
  };
  const timedOut = () => fail(new Error(`no connection to the mail server within ${CONNECT_TIMEOUT_MS} ms`));
  socket.once("error", fail);
  socket.once("timeout", timedOut);
  socket.once("connect", () => {
    coalesceWrites(socket);
    socket.off("error", fail);
    socket.off("timeout", timedOut);
    socket.setTimeout(0);
    // nodemailer listens for errors from here on; this keeps one in between from ending the process.
    socket.on("error", () => {});
    callback(null, { connection: socket });
  });
}

/**
 * Makes the writes of one turn of the event loop leave the socket as one. nodemailer writes each
 * command, and pipes each message in a few dozen small pieces (headers, boundaries, encoded lines):
 * with Nagle's algorithm off, every piece was a system call and a packet of its own. The first write
 * of a turn corks the socket, and the turn's end (setImmediate) sends all its pieces in one.
 */
export function coalesceWrites(socket: net.Socket): void {
  const write = socket.write;
  let corked = false;
  socket.write = function (this: net.Socket, ...args: Parameters<net.Socket["write"]>) {
    if (!corked) {
      corked = true;
      this.cork();
      setImmediate(() => {
        corked = false;
        this.uncork();
      });
    }
    return write.apply(this, args);
  } as net.Socket["write"];
}

export function smtpTransport(url: string, from: string): MailTransport {
  // nodemailer is loaded only when SMTP is configured: the embedded mailbox never needs it.
  const transporter = import("nodemailer").then(({ default: nodemailer }) => {
    const mailer = nodemailer.createTransport(pooledSmtpUrl(url));
    // The pool (and the single-connection transport) asks this for each connection it opens.
    (mailer.transporter as unknown as { getSocket: typeof connectWithoutDelay }).getSocket =
      connectWithoutDelay;
    return mailer;
  });
  transporter.catch(() => {}); // reported by the first send instead
  return {
    isExternal: true,
    async send(mail) {
      await (await transporter).sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    },
    close() {
      void transporter.then((opened) => opened.close()).catch(() => {});
    },
  };
}

export function embeddedTransport(
  print: (line: string) => void = (line) => console.log(line),
): MailTransport {
  return {
    isExternal: false,
    async send(mail) {
      // Development mailbox: the message stays readable at GET /api/dev/outbox as well.
      print(`\n--- mail to ${mail.to}: ${mail.subject}\n${mail.text}--- end of mail\n`);
    },
    close() {},
  };
}
