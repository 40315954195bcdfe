// The text of the login-lock notice with its unlock link (rule 14), in the account's language
// (SPEC §6.6). Links are built by callers from PUBLIC_URL.
import { t } from "../i18n/translate.js";
import { linkLine, type MailLocale, type RenderedMail, renderMail } from "../mail/templates.js";

export function loginLockedMail(input: {
  locale: MailLocale;
  lockMs: number;
  /** Which logins are paused: those of one device the account used before, or those of all others. */
  scope: "known_device" | "unknown_devices";
  unlockUrl: string;
  validMinutes: number;
}): RenderedMail {
  const { language } = input.locale;
  const minutes = Math.round(input.lockMs / 60_000);
  const paused = t(
    language,
    input.scope === "known_device" ? "mail.login_locked.known_device" : "mail.login_locked.unknown_devices",
  );
  return renderMail(
    t(language, "mail.login_locked.subject"),
    [
      { text: t(language, "mail.hello") },
      { text: t(language, "mail.login_locked.body", { paused, minutes }) },
      { text: t(language, "mail.login_locked.unlock", { minutes: input.validMinutes }) },
      linkLine(t(language, "mail.login_locked.link"), input.unlockUrl),
      { text: t(language, "mail.login_locked.not_you") },
    ],
    language,
  );
}
