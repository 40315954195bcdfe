// The text of the login-lock notice with its unlock link (rule 14). Links are built by callers from
// PUBLIC_URL.
import { linkLine, type RenderedMail, renderMail } from "../mail/templates.js";

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
