// The texts of the verification mails: a step-up code, a code proving a new alternate email, and
// the notice that the alternate email changed (SECURITY 3), in the account's language (SPEC §6.6).
// Codes appear only here, never in a subject.
import { t } from "../i18n/translate.js";
import {
  greetingLine,
  type MailLocale,
  type RenderedMail,
  readableTime,
  renderMail,
} from "../mail/templates.js";
import { CODE_TTL_MS } from "./codes.js";

const VALID_MINUTES = Math.round(CODE_TTL_MS / 60_000);

export function stepUpCodeMail(input: { locale: MailLocale; name: string; code: string }): RenderedMail {
  const { language } = input.locale;
  return renderMail(
    t(language, "mail.step_up.subject"),
    [
      greetingLine(language, input.name),
      { text: t(language, "mail.step_up.code", { code: input.code, minutes: VALID_MINUTES }) },
      { text: t(language, "mail.step_up.why") },
    ],
    language,
  );
}

export function alternateEmailCodeMail(input: {
  locale: MailLocale;
  name: string;
  code: string;
}): RenderedMail {
  const { language } = input.locale;
  return renderMail(
    t(language, "mail.alternate_code.subject"),
    [
      greetingLine(language, input.name),
      { text: t(language, "mail.alternate_code.code", { code: input.code, minutes: VALID_MINUTES }) },
      { text: t(language, "mail.alternate_code.ignore") },
    ],
    language,
  );
}

export function alternateEmailChangedMail(input: {
  locale: MailLocale;
  name: string;
  maskedAddress: string;
  at: Date;
}): RenderedMail {
  const { language } = input.locale;
  return renderMail(
    t(language, "mail.alternate_changed.subject"),
    [
      greetingLine(language, input.name),
      {
        text: t(language, "mail.alternate_changed.body", {
          address: input.maskedAddress,
          at: readableTime(input.at, input.locale),
        }),
      },
      { text: t(language, "mail.alternate_changed.not_you") },
    ],
    language,
  );
}
