// The texts of the verification mails: a step-up code, a code proving a new alternate email, and
// the notice that the alternate email changed (SECURITY 3), in the account's language (SPEC §6.6).
// Codes appear only here, never in a subject.
import { type MailLocale, noticeMail, type RenderedMail, readableTime } from "../mail/templates.js";
import { CODE_TTL_MS } from "./codes.js";

const VALID_MINUTES = Math.round(CODE_TTL_MS / 60_000);

export function stepUpCodeMail(input: { locale: MailLocale; name: string; code: string }): RenderedMail {
  return noticeMail(
    input.locale,
    input.name,
    { subject: "mail.step_up.subject", body: "mail.step_up.code", closing: ["mail.step_up.why"] },
    { code: input.code, minutes: VALID_MINUTES },
  );
}

export function alternateEmailCodeMail(input: {
  locale: MailLocale;
  name: string;
  code: string;
}): RenderedMail {
  return noticeMail(
    input.locale,
    input.name,
    {
      subject: "mail.alternate_code.subject",
      body: "mail.alternate_code.code",
      closing: ["mail.alternate_code.ignore"],
    },
    { code: input.code, minutes: VALID_MINUTES },
  );
}

export function alternateEmailChangedMail(input: {
  locale: MailLocale;
  name: string;
  maskedAddress: string;
  at: Date;
}): RenderedMail {
  return noticeMail(
    input.locale,
    input.name,
    {
      subject: "mail.alternate_changed.subject",
      body: "mail.alternate_changed.body",
      closing: ["mail.alternate_changed.not_you"],
    },
    { address: input.maskedAddress, at: readableTime(input.at, input.locale) },
  );
}
