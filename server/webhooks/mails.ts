// The mail the Admins of a company get when a webhook endpoint is disabled after 3 days of failed
// deliveries, each in their own language (SPEC §6.6). The URL and names are user-chosen text:
// oneLine here, escaped by renderMail.
import { t } from "../i18n/translate.js";
import {
  greetingLine,
  type MailLocale,
  oneLine,
  type RenderedMail,
  readableTime,
  renderMail,
} from "../mail/templates.js";

export function endpointDisabledMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  url: string;
  lastError: string;
  at: Date;
}): RenderedMail {
  const { language } = input.locale;
  const company = oneLine(input.companyName, 200);
  return renderMail(
    t(language, "mail.webhook_disabled.subject", { company }),
    [
      greetingLine(language, input.name),
      {
        text: t(language, "mail.webhook_disabled.body", {
          url: oneLine(input.url, 300),
          company,
          at: readableTime(input.at, input.locale),
          error: oneLine(input.lastError, 300),
        }),
      },
      { text: t(language, "mail.webhook_disabled.next") },
    ],
    language,
  );
}
