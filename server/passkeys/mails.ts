// The notice mailed when a passkey is added to an account (SPEC §6.1: second factors changing are
// mailed). Names pass through oneLine and are escaped by renderMail.
import { linkLine, oneLine, type RenderedMail, readableTime, renderMail } from "../mail/templates.js";

export function passkeyAddedMail(input: {
  name: string;
  passkeyName: string;
  at: Date;
  loginUrl: string;
}): RenderedMail {
  const person = oneLine(input.name, 100);
  return renderMail("A passkey was added to your Merchant Portal account", [
    { text: person ? `Hello ${person},` : "Hello," },
    {
      text: `A passkey named "${oneLine(input.passkeyName, 60)}" was added to your Merchant Portal account on ${readableTime(input.at)}. It can sign in to your account without a password.`,
    },
    {
      text: "If this was not you, log in, remove the passkey and change your password at once:",
    },
    linkLine("Log in", input.loginUrl),
  ]);
}
