// The texts of the password mails: the reset link and the "password changed" notice (rule 14). Links are built by callers from PUBLIC_URL; names pass through oneLine and are escaped.
import { linkLine, oneLine, type RenderedMail, readableTime, renderMail } from "../mail/templates.js";

function greeting(name: string): { text: string } {
  const clean = oneLine(name, 100);
  return { text: clean ? `Hello ${clean},` : "Hello," };
}

export function passwordResetMail(input: {
  name: string;
  resetUrl: string;
  validMinutes: number;
}): RenderedMail {
  return renderMail("Reset your Merchant Portal password", [
    greeting(input.name),
    {
      text:
        "Someone asked to reset the password of your Merchant Portal account. If it was you, open the link " +
        `below within ${input.validMinutes} minutes and choose a new password. The link works once.`,
    },
    linkLine("Choose a new password", input.resetUrl),
    { text: "If you did not ask for this, ignore this message: your password stays as it is." },
  ]);
}

export function passwordChangedMail(input: {
  name: string;
  how: "changed" | "reset";
  at: Date;
  loginUrl: string;
}): RenderedMail {
  const what = input.how === "reset" ? "reset with a link sent to your primary email address" : "changed";
  return renderMail("Your Merchant Portal password was changed", [
    greeting(input.name),
    {
      text: `The password of your Merchant Portal account was ${what} on ${readableTime(input.at)}. Your other sessions were signed out.`,
    },
    {
      text: 'If this was not you, choose a new password at once with "Forgot password" on the login page:',
    },
    linkLine("Log in", input.loginUrl),
  ]);
}
