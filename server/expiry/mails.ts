// The mails of team governance's jobs (SPEC §6.4): an assignment about to expire, an expired Admin
// assignment kept (rule 4), and the inactivity warning, each in its recipient's language (SPEC §6.6).
// Names are user-chosen: oneLine, escaped by renderMail.
import {
  type MailLocale,
  noticeMail,
  oneLine,
  type RenderedMail,
  readableTime,
  roleNameIn,
} from "../mail/templates.js";

export function roleExpiringMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  role: { key: string | null; name: string };
  expiresAt: Date;
}): RenderedMail {
  return noticeMail(
    input.locale,
    input.name,
    {
      subject: "mail.role_expiring.subject",
      body: "mail.role_expiring.body",
      closing: ["mail.role_expiring.extend"],
    },
    {
      role: roleNameIn(input.locale.language, input.role),
      company: oneLine(input.companyName, 200),
      at: readableTime(input.expiresAt, input.locale),
    },
  );
}

export function lastAdminKeptMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  memberEmail: string;
  expiredAt: Date;
}): RenderedMail {
  return noticeMail(
    input.locale,
    input.name,
    {
      subject: "mail.last_admin_kept.subject",
      body: "mail.last_admin_kept.body",
      closing: ["mail.last_admin_kept.next"],
    },
    {
      email: oneLine(input.memberEmail, 254),
      company: oneLine(input.companyName, 200),
      at: readableTime(input.expiredAt, input.locale),
    },
  );
}

export function inactivityWarningMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  deactivatesAt: Date;
}): RenderedMail {
  return noticeMail(
    input.locale,
    input.name,
    { subject: "mail.inactivity.subject", body: "mail.inactivity.body", closing: ["mail.inactivity.keep"] },
    { company: oneLine(input.companyName, 200), at: readableTime(input.deactivatesAt, input.locale) },
  );
}
