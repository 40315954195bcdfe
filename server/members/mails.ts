// The notices a member gets when an Admin changes their membership: new roles, deactivation,
// reactivation, in the member's language (SPEC §6.6). Company, role and people's names are
// user-chosen text: oneLine here, escaped by renderMail.
import { t } from "../i18n/translate.js";
import {
  greetingLine,
  type MailLocale,
  oneLine,
  type RenderedMail,
  readableTime,
  renderMail,
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
  const { language } = input.locale;
  const company = oneLine(input.companyName, 200);
  return renderMail(
    t(language, "mail.roles_changed.subject", { company }),
    [
      greetingLine(language, input.name),
      {
        text: t(language, "mail.roles_changed.body", {
          person: personLine(input.changedBy),
          company,
          at: readableTime(input.at, input.locale),
          roles: roleListIn(language, input.roles),
        }),
      },
      { text: t(language, "mail.roles_changed.follow") },
      { text: t(language, "mail.member.not_you") },
    ],
    language,
  );
}

export function memberDeactivatedMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  at: Date;
}): RenderedMail {
  const { language } = input.locale;
  const company = oneLine(input.companyName, 200);
  return renderMail(
    t(language, "mail.deactivated.subject", { company }),
    [
      greetingLine(language, input.name),
      { text: t(language, "mail.deactivated.body", { company, at: readableTime(input.at, input.locale) }) },
      { text: t(language, "mail.member.not_you") },
    ],
    language,
  );
}

export function memberReactivatedMail(input: {
  locale: MailLocale;
  name: string;
  companyName: string;
  roles: readonly RoleName[];
  at: Date;
}): RenderedMail {
  const { language } = input.locale;
  const company = oneLine(input.companyName, 200);
  return renderMail(
    t(language, "mail.reactivated.subject", { company }),
    [
      greetingLine(language, input.name),
      {
        text: t(language, "mail.reactivated.body", {
          company,
          at: readableTime(input.at, input.locale),
          roles: roleListIn(language, input.roles),
        }),
      },
      { text: t(language, "mail.member.not_you") },
    ],
    language,
  );
}
