// The texts of the verification mails: a step-up code, a code proving a new alternate email, and
// the notice that the alternate email changed (SECURITY 3). Codes appear only here, never in a subject.
import { oneLine, type RenderedMail, readableTime, renderMail } from "../mail/templates.js";
import { CODE_TTL_MS } from "./codes.js";

const VALID_MINUTES = Math.round(CODE_TTL_MS / 60_000);

function greeting(name: string): { text: string } {
  const clean = oneLine(name, 100);
  return { text: clean ? `Hello ${clean},` : "Hello," };
}

export function stepUpCodeMail(input: { name: string; code: string }): RenderedMail {
  return renderMail("Your Merchant Portal verification code", [
    greeting(input.name),
    {
      text: `Your verification code is ${input.code}. It is valid for ${VALID_MINUTES} minutes and works once.`,
    },
    {
      text:
        "Someone signed in to your account asked for it to confirm a sensitive action. If it was not you, " +
        "do not share the code and change your password.",
    },
  ]);
}

export function alternateEmailCodeMail(input: { name: string; code: string }): RenderedMail {
  return renderMail("Confirm your Merchant Portal alternate email", [
    greeting(input.name),
    {
      text:
        `Your code to confirm this address as your alternate email is ${input.code}. ` +
        `It is valid for ${VALID_MINUTES} minutes and works once.`,
    },
    { text: "If you did not ask for this, ignore this message: nothing changes without the code." },
  ]);
}

export function alternateEmailChangedMail(input: {
  name: string;
  maskedAddress: string;
  at: Date;
}): RenderedMail {
  return renderMail("Your Merchant Portal alternate email was changed", [
    greeting(input.name),
    {
      text:
        `The alternate email of your Merchant Portal account was set to ${input.maskedAddress} on ` +
        `${readableTime(input.at)}. Verification codes now go to that address.`,
    },
    { text: "If this was not you, change your password at once and set your alternate email again." },
  ]);
}
