// The notices of second-factor changes (SPEC §6.1, §6.2): whoever reads the account's mail and did
// not make the change learns of it. No code, secret or link to a secret appears in them.
import { oneLine, type RenderedMail, readableTime, renderMail } from "../mail/templates.js";

export type FactorChange =
  | { kind: "totp_added"; factorName: string }
  | { kind: "factor_renamed"; factorName: string }
  | { kind: "factor_removed"; factorName: string }
  | { kind: "recovery_codes_generated" }
  | { kind: "recovery_code_used"; remaining: number }
  | { kind: "reset_by_operator" };

function what(change: FactorChange): string {
  switch (change.kind) {
    case "totp_added":
      return `An authenticator app ("${oneLine(change.factorName, 60)}") was added as a second factor`;
    case "factor_renamed":
      return `A second factor was renamed to "${oneLine(change.factorName, 60)}"`;
    case "factor_removed":
      return `The second factor "${oneLine(change.factorName, 60)}" was removed`;
    case "recovery_codes_generated":
      return "New recovery codes were generated (the previous ones no longer work)";
    case "recovery_code_used":
      return `A recovery code was used to sign in (${change.remaining} unused codes left)`;
    case "reset_by_operator":
      return "The portal's operator removed every second factor and recovery code, at your request";
  }
}

export function secondFactorChangedMail(input: {
  name: string;
  change: FactorChange;
  at: Date;
}): RenderedMail {
  const clean = oneLine(input.name, 100);
  return renderMail("Your Merchant Portal sign-in security changed", [
    { text: clean ? `Hello ${clean},` : "Hello," },
    { text: `${what(input.change)} on your Merchant Portal account on ${readableTime(input.at)}.` },
    {
      text:
        "If this was not you, sign in, change your password at once and review your second factors on " +
        "the Security page of your profile.",
    },
  ]);
}
