// The notices of second-factor changes (SPEC §6.1, §6.2), in the account's language (SPEC §6.6):
// whoever reads the account's mail and did not make the change learns of it. No code, secret or
// link to a secret appears in them.
import type { Language } from "../i18n/languages.js";
import { t } from "../i18n/translate.js";
import { type MailLocale, noticeMail, oneLine, type RenderedMail, readableTime } from "../mail/templates.js";

export type FactorChange =
  | { kind: "totp_added"; factorName: string }
  | { kind: "factor_renamed"; factorName: string }
  | { kind: "factor_removed"; factorName: string }
  | { kind: "recovery_codes_generated" }
  | { kind: "recovery_code_used"; remaining: number }
  | { kind: "reset_by_operator" };

function what(language: Language, change: FactorChange): string {
  switch (change.kind) {
    case "totp_added":
    case "factor_renamed":
    case "factor_removed":
      return t(language, `mail.factor.${change.kind}`, { name: oneLine(change.factorName, 60) });
    case "recovery_code_used":
      return t(language, "mail.factor.recovery_code_used", { remaining: change.remaining });
    case "recovery_codes_generated":
    case "reset_by_operator":
      return t(language, `mail.factor.${change.kind}`);
  }
}

export function secondFactorChangedMail(input: {
  locale: MailLocale;
  name: string;
  change: FactorChange;
  at: Date;
}): RenderedMail {
  return noticeMail(
    input.locale,
    input.name,
    { subject: "mail.factor.subject", body: "mail.factor.body", closing: ["mail.factor.not_you"] },
    { what: what(input.locale.language, input.change), at: readableTime(input.at, input.locale) },
  );
}
