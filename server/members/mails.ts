// The notices a member gets when an Admin changes their membership: new roles, deactivation,
// reactivation, in the member's language (SPEC §6.6). Company, role and people's names are
// user-chosen text: oneLine here, escaped by renderMail.
import {
  type MailLocale,
  noticeMail,
  oneLine,
  type RenderedMail,
  readableTime,
  roleListIn,
} from "../mail/templates.js";

type RoleName = { key?: string | null; name: string };

function personLine(person: { name: string; email: string }): string {
  const name = oneLine(person.name, 100);
  const email = oneLine(person.email, 254);
  // A change by no person (SCIM) has a name and no email.
  if (!email) return name;
  return name ? `${name} (${email})` : email;
}

export function rolesChangedMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  roles: readonly RoleName[];
  changedBy: { name: string; email: string };
  at: Date;
}): RenderedMail {
  return noticeMail(
    input.locale,
    input.name,
    {
      subject: "mail.roles_changed.subject",
      body: "mail.roles_changed.body",
      closing: ["mail.roles_changed.follow", "mail.member.not_you"],
    },
    {
      person: personLine(input.changedBy),
      company: oneLine(input.companyName, 200),
      at: readableTime(input.at, input.locale),
      roles: roleListIn(input.locale.language, input.roles),
    },
  );
}

export function memberDeactivatedMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  at: Date;
}): RenderedMail {
  return noticeMail(
    input.locale,
    input.name,
    { subject: "mail.deactivated.subject", body: "mail.deactivated.body", closing: ["mail.member.not_you"] },
    { company: oneLine(input.companyName, 200), at: readableTime(input.at, input.locale) },
  );
}

export function memberReactivatedMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  roles: readonly RoleName[];
  at: Date;
}): RenderedMail {
  return noticeMail(
    input.locale,
    input.name,
    { subject: "mail.reactivated.subject", body: "mail.reactivated.body", closing: ["mail.member.not_you"] },
    {
      company: oneLine(input.companyName, 200),
      at: readableTime(input.at, input.locale),
      roles: roleListIn(input.locale.language, input.roles),
    },
  );
}
