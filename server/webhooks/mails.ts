// The mail the Admins of a company get when a webhook endpoint is disabled after 3 days of failed
// deliveries, each in their own language (SPEC §6.6). The URL and names are user-chosen text:
// oneLine here, escaped by renderMail.
import { type MailLocale, noticeMail, oneLine, type RenderedMail, readableTime } from "../mail/templates.js";

export function endpointDisabledMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  url: string;
  lastError: string;
  at: Date;
}): RenderedMail {
  return noticeMail(
    input.locale,
    input.name,
    {
      subject: "mail.webhook_disabled.subject",
      body: "mail.webhook_disabled.body",
      closing: ["mail.webhook_disabled.next"],
    },
    {
      url: oneLine(input.url, 300),
      company: oneLine(input.companyName, 200),
      at: readableTime(input.at, input.locale),
      error: oneLine(input.lastError, 300),
    },
  );
}
