// The notice mailed when a passkey is added to an account (SPEC §6.1: second factors changing are
// mailed), in the account's language (SPEC §6.6). Names pass through oneLine and are escaped by renderMail.
import { t } from "../i18n/translate.js";
import {
  greetingLine,
  linkLine,
  type MailLocale,
  oneLine,
  type RenderedMail,
  readableTime,
  renderMail,
} from "../mail/templates.js";

export function passkeyAddedMail(input: {
  locale: MailLocale;
  name: string;
  passkeyName: string;
  at: Date;
  loginUrl: string;
}): RenderedMail {
  const { language } = input.locale;
  return renderMail(
    t(language, "mail.passkey_added.subject"),
    [
      greetingLine(language, input.name),
      {
        text: t(language, "mail.passkey_added.body", {
          name: oneLine(input.passkeyName, 60),
          at: readableTime(input.at, input.locale),
        }),
      },
      { text: t(language, "mail.passkey_added.not_you") },
      linkLine(t(language, "mail.log_in"), input.loginUrl),
    ],
    language,
  );
}
