// The mails of team governance's jobs (SPEC §6.4): an assignment about to expire, an expired Admin
// assignment kept (rule 4), and the inactivity warning. Names are user-chosen: oneLine, escaped by renderMail.
import { oneLine, type RenderedMail, readableTime, renderMail } from "../mail/templates.js";

function greeting(name: string): { text: string } {
  const clean = oneLine(name, 100);
  return { text: clean ? `Hello ${clean},` : "Hello," };
}

export function roleExpiringMail(input: {
  name: string;
  companyName: string;
  roleName: string;
  expiresAt: Date;
}): RenderedMail {
  const company = oneLine(input.companyName, 200);
  const role = oneLine(input.roleName, 60);
  return renderMail(`Your ${role} role in ${company} expires soon`, [
    greeting(input.name),
    {
      text: `Your ${role} role in ${company} on Merchant Portal expires on ${readableTime(input.expiresAt)}.`,
    },
    { text: "If you still need it, ask an Admin of the company to extend it." },
  ]);
}

export function lastAdminKeptMail(input: {
  name: string;
  companyName: string;
  memberEmail: string;
  expiredAt: Date;
}): RenderedMail {
  const company = oneLine(input.companyName, 200);
  return renderMail(`An expired Admin role in ${company} was kept`, [
    greeting(input.name),
    {
      text:
        `The Admin role of ${oneLine(input.memberEmail, 254)} in ${company} expired on ` +
        `${readableTime(input.expiredAt)}, but it was kept: the company would otherwise have no Admin.`,
    },
    { text: "Give another member the Admin role, then remove or extend this one." },
  ]);
}

export function inactivityWarningMail(input: {
  name: string;
  companyName: string;
  deactivatesAt: Date;
}): RenderedMail {
  const company = oneLine(input.companyName, 200);
  return renderMail(`Your access to ${company} will be deactivated for inactivity`, [
    greeting(input.name),
    {
      text:
        `You have not used ${company} on Merchant Portal for a while. Unless you sign in to it, your ` +
        `membership will be deactivated on ${readableTime(input.deactivatesAt)}.`,
    },
    { text: "Signing in to the company's portal keeps your access." },
  ]);
}
