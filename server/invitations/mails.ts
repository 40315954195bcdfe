// The invitation mail: company, inviter, roles, expiry and the link (SPEC rule 8), in the invitee's
// language (SPEC §6.6). The link is built by the service from PUBLIC_URL; company, inviter and role
// names are attacker-chosen text, so they pass through oneLine here and are HTML-escaped by renderMail
// (rule 17, SECURITY 50).
import { t } from "../i18n/translate.js";
import {
  linkLine,
  type MailLocale,
  oneLine,
  type RenderedMail,
  readableTime,
  renderMail,
  roleListIn,
} from "../mail/templates.js";

/** The web page that reads the token from the URL fragment; it sends Referrer-Policy: no-referrer. */
export const INVITATION_PAGE_PATH = "/invitations/accept";

export function invitationMail(input: {
  locale: MailLocale;
  companyName: string;
  inviter: { name: string; email: string } | null;
  roles: readonly { key: string | null; name: string }[];
  expiresAt: Date;
  acceptUrl: string;
}): RenderedMail {
  const { language } = input.locale;
  const company = oneLine(input.companyName, 200);
  const inviter = input.inviter
    ? `${oneLine(input.inviter.name, 100)} (${oneLine(input.inviter.email, 254)})`
    : t(language, "mail.invitation.administrators");
  const roles = roleListIn(language, input.roles);
  return renderMail(
    t(language, "mail.invitation.subject", { company }),
    [
      { text: t(language, "mail.hello") },
      { text: t(language, "mail.invitation.invited", { inviter, company, roles }) },
      {
        text: t(language, "mail.invitation.accept_before", {
          expiresAt: readableTime(input.expiresAt, input.locale),
        }),
      },
      linkLine(t(language, "mail.invitation.link"), input.acceptUrl),
      { text: t(language, "mail.invitation.ignore") },
    ],
    language,
  );
}
