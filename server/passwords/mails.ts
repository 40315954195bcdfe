// The texts of the password mails: the reset link, the "password changed" notice and the login-lock
// notice (rule 14). Links are built by callers from PUBLIC_URL; names pass through oneLine and are escaped.
import { linkLine, oneLine, type RenderedMail, renderMail } from "../mail/templates.js";

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
  const what = input.how === "reset" ? "reset with a link sent to this address" : "changed";
  return renderMail("Your Merchant Portal password was changed", [
    greeting(input.name),
    {
      text: `The password of your Merchant Portal account was ${what} on ${input.at.toISOString()} (UTC). Your other sessions were signed out.`,
    },
    {
      text: 'If this was not you, choose a new password at once with "Forgot password" on the login page:',
    },
    linkLine("Log in", input.loginUrl),
  ]);
}

export function loginLockedMail(lockMs: number): RenderedMail {
  const minutes = Math.round(lockMs / 60_000);
  return renderMail("Logins to your Merchant Portal account are paused", [
    { text: "Hello," },
    {
      text:
        "Someone entered a wrong password for your Merchant Portal account many times in a row, so logins " +
        `with it are refused for the next ${minutes} minutes. None of those attempts got in.`,
    },
    {
      text:
        'If this was you, wait and try again, or choose a new password with "Forgot password" on the login ' +
        "page (that also lifts the pause). If it was not you, consider doing the same.",
    },
  ]);
}
