// Where mail goes: an SMTP server through nodemailer when SMTP_URL is set, otherwise the embedded
// mailbox (development only), where delivering means printing it and keeping it readable.

export type MailEnvelope = { to: string; subject: string; text: string; html: string };

export interface MailTransport {
  /** external: whether delivery hands the mail to another system (so its secrets can be wiped). */
  readonly isExternal: boolean;
  send(mail: MailEnvelope): Promise<void>;
  close(): void;
}

export function smtpTransport(url: string, from: string): MailTransport {
  // nodemailer is loaded only when SMTP is configured: the embedded mailbox never needs it.
  const transporter = import("nodemailer").then(({ default: nodemailer }) => nodemailer.createTransport(url));
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
