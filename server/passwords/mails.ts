// The texts of the password mails: the reset link, the "password changed" notice and the login-lock
// notice with its unlock link (rule 14). Links are built by callers from PUBLIC_URL; names pass through oneLine and are escaped.
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

export function loginLockedMail(input: {
  lockMs: number;
  /** Which logins are paused: those of one device the account used before, or those of all others. */
  scope: "known_device" | "unknown_devices";
  unlockUrl: string;
  validMinutes: number;
}): RenderedMail {
  const minutes = Math.round(input.lockMs / 60_000);
  const paused =
    input.scope === "known_device"
      ? "logins from that device (one you logged in from before) are refused"
      : "logins from devices you have not logged in from before are refused; devices you used before " +
        "are not affected";
  return renderMail("Logins to your Merchant Portal account are paused", [
    { text: "Hello," },
    {
      text:
        "Someone entered a wrong password for your Merchant Portal account many times in a row, so " +
        `${paused} for the next ${minutes} minutes. None of those attempts got in.`,
    },
    {
      text:
        `To log in now anyway, open this link within ${input.validMinutes} minutes in the browser you ` +
        "want to log in from. It works once, and only in that browser.",
    },
    linkLine("Unlock login on this browser", input.unlockUrl),
    {
      text:
        'If it was not you, consider choosing a new password with "Forgot password" on the login page ' +
        "(that also lifts the pause).",
    },
  ]);
}
