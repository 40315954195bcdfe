// The invitation mail: company, inviter, roles, expiry and the link (SPEC rule 8). The link is built by
// the service from PUBLIC_URL; company, inviter and role names are attacker-chosen text, so they pass
// through oneLine here and are HTML-escaped by renderMail (rule 17, SECURITY 50).
import { linkLine, oneLine, type RenderedMail, readableTime, renderMail } from "../mail/templates.js";

/** The web page that reads the token from the URL fragment; it sends Referrer-Policy: no-referrer. */
export const INVITATION_PAGE_PATH = "/invitations/accept";

export function invitationMail(input: {
  companyName: string;
  inviter: { name: string; email: string } | null;
  roleNames: readonly string[];
  expiresAt: Date;
  acceptUrl: string;
}): RenderedMail {
  const company = oneLine(input.companyName, 200);
  const inviter = input.inviter
    ? `${oneLine(input.inviter.name, 100)} (${oneLine(input.inviter.email, 254)})`
    : "The Merchant Portal administrators";
  const roles = input.roleNames.map((name) => oneLine(name, 60)).join(", ");
  return renderMail(`You are invited to join ${company} on Merchant Portal`, [
    { text: "Hello," },
    { text: `${inviter} invited you to join ${company} on Merchant Portal with the role(s): ${roles}.` },
    {
      text:
        `Open the link below to accept before ${readableTime(input.expiresAt)}. It works once, ` +
        "only for this email address, and stops working if the invitation is resent or revoked.",
    },
    linkLine("Accept the invitation", input.acceptUrl),
    { text: "If you did not expect this invitation, ignore this message: nothing happens without you." },
  ]);
}
