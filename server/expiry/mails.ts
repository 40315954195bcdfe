// The mails of team governance's jobs (SPEC §6.4): an assignment about to expire, an expired Admin
// assignment kept (rule 4), and the inactivity warning, each in its recipient's language (SPEC §6.6).
// Names are user-chosen: oneLine, escaped by renderMail.
import { t } from "../i18n/translate.js";
import {
  greetingLine,
  type MailLocale,
  oneLine,
  type RenderedMail,
  readableTime,
  renderMail,
  roleNameIn,
} from "../mail/templates.js";

export function roleExpiringMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  role: { key: string | null; name: string };
  expiresAt: Date;
}): RenderedMail {
  const { language } = input.locale;
  const company = oneLine(input.companyName, 200);
  const role = roleNameIn(language, input.role);
  return renderMail(
    t(language, "mail.role_expiring.subject", { role, company }),
    [
      greetingLine(language, input.name),
      {
        text: t(language, "mail.role_expiring.body", {
          role,
          company,
          at: readableTime(input.expiresAt, input.locale),
        }),
      },
      { text: t(language, "mail.role_expiring.extend") },
    ],
    language,
  );
}

export function lastAdminKeptMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  memberEmail: string;
  expiredAt: Date;
}): RenderedMail {
  const { language } = input.locale;
  const company = oneLine(input.companyName, 200);
  return renderMail(
    t(language, "mail.last_admin_kept.subject", { company }),
    [
      greetingLine(language, input.name),
      {
        text: t(language, "mail.last_admin_kept.body", {
          email: oneLine(input.memberEmail, 254),
          company,
          at: readableTime(input.expiredAt, input.locale),
        }),
      },
      { text: t(language, "mail.last_admin_kept.next") },
    ],
    language,
  );
}

export function inactivityWarningMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  deactivatesAt: Date;
}): RenderedMail {
  const { language } = input.locale;
  const company = oneLine(input.companyName, 200);
  return renderMail(
    t(language, "mail.inactivity.subject", { company }),
    [
      greetingLine(language, input.name),
      {
        text: t(language, "mail.inactivity.body", {
          company,
          at: readableTime(input.deactivatesAt, input.locale),
        }),
      },
      { text: t(language, "mail.inactivity.keep") },
    ],
    language,
  );
}
