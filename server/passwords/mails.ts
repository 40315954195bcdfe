// The texts of the password mails: the reset link and the "password changed" notice (rule 14), in
// the account's language (SPEC §6.6). Links are built by callers from PUBLIC_URL; names pass through
// oneLine and are escaped.
import { t } from "../i18n/translate.js";
import {
  greetingLine,
  linkLine,
  type MailLocale,
  type RenderedMail,
  readableTime,
  renderMail,
} from "../mail/templates.js";

export function passwordResetMail(input: {
  locale: MailLocale;
  name: string;
  resetUrl: string;
  validMinutes: number;
}): RenderedMail {
  const { language } = input.locale;
  return renderMail(
    t(language, "mail.password_reset.subject"),
    [
      greetingLine(language, input.name),
      { text: t(language, "mail.password_reset.body", { minutes: input.validMinutes }) },
      linkLine(t(language, "mail.password_reset.link"), input.resetUrl),
      { text: t(language, "mail.password_reset.ignore") },
    ],
    language,
  );
}

export function passwordChangedMail(input: {
  locale: MailLocale;
  name: string;
  how: "changed" | "reset";
  at: Date;
  loginUrl: string;
}): RenderedMail {
  const { language } = input.locale;
  const what = t(
    language,
    input.how === "reset" ? "mail.password_changed.reset" : "mail.password_changed.changed",
  );
  return renderMail(
    t(language, "mail.password_changed.subject"),
    [
      greetingLine(language, input.name),
      { text: t(language, "mail.password_changed.body", { what, at: readableTime(input.at, input.locale) }) },
      { text: t(language, "mail.password_changed.not_you") },
      linkLine(t(language, "mail.log_in"), input.loginUrl),
    ],
    language,
  );
}
