// Where mail goes: an SMTP server through nodemailer when SMTP_URL is set, otherwise the embedded
// mailbox (development only), where delivering means printing it and keeping it readable.
import nodemailer from "nodemailer";

export type MailEnvelope = { to: string; subject: string; text: string; html: string };

export interface MailTransport {
  /** external: whether delivery hands the mail to another system (so its secrets can be wiped). */
  readonly isExternal: boolean;
  send(mail: MailEnvelope): Promise<void>;
  close(): void;
}

export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    isExternal: true,
    async send(mail) {
      await transporter.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    },
    close() {
      transporter.close();
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
