// The notices a member gets when an Admin changes their membership: new roles, deactivation,
// reactivation. Company, role and people's names are user-chosen text: oneLine here, escaped by renderMail.
import { oneLine, type RenderedMail, readableTime, renderMail } from "../mail/templates.js";

function greeting(name: string): { text: string } {
  const clean = oneLine(name, 100);
  return { text: clean ? `Hello ${clean},` : "Hello," };
}

function personLine(person: { name: string; email: string }): string {
  const name = oneLine(person.name, 100);
  const email = oneLine(person.email, 254);
  // A change by no person (SCIM) has a name and no email.
  if (!email) return name;
  return name ? `${name} (${email})` : email;
}

function roleList(roleNames: readonly string[]): string {
  return roleNames.map((name) => oneLine(name, 60)).join(", ");
}

const NOT_YOU = "If you did not expect this, ask an Admin of the company.";

export function rolesChangedMail(input: {
  name: string;
  companyName: string;
  roleNames: readonly string[];
  changedBy: { name: string; email: string };
  at: Date;
}): RenderedMail {
  const company = oneLine(input.companyName, 200);
  return renderMail(`Your roles in ${company} on Merchant Portal changed`, [
    greeting(input.name),
    {
      text:
        `${personLine(input.changedBy)} changed your roles in ${company} on ${readableTime(input.at)}. ` +
        `Your roles are now: ${roleList(input.roleNames)}.`,
    },
    { text: "What you can see and do in the company's portal follows your new roles from now on." },
    { text: NOT_YOU },
  ]);
}

export function memberDeactivatedMail(input: { name: string; companyName: string; at: Date }): RenderedMail {
  const company = oneLine(input.companyName, 200);
  return renderMail(`Your access to ${company} on Merchant Portal was deactivated`, [
    greeting(input.name),
    {
      text:
        `Your membership of ${company} on Merchant Portal was deactivated on ${readableTime(input.at)}. ` +
        "You can no longer open the company's pages.",
    },
    { text: NOT_YOU },
  ]);
}

export function memberReactivatedMail(input: {
  name: string;
  companyName: string;
  roleNames: readonly string[];
  at: Date;
}): RenderedMail {
  const company = oneLine(input.companyName, 200);
  return renderMail(`Your access to ${company} on Merchant Portal was restored`, [
    greeting(input.name),
    {
      text:
        `Your membership of ${company} on Merchant Portal was reactivated on ${readableTime(input.at)}, ` +
        `with the roles you held: ${roleList(input.roleNames)}.`,
    },
    { text: NOT_YOU },
  ]);
}
