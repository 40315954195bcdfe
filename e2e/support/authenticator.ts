// An authenticator app for browser tests: codes of the secret the Security page shows, computed with
// the otpauth library on the real clock. Each code is of a later time step than the one before (a
// step is accepted once) and within one step of now (the server's window), so no test waits.
import { HOTP, Secret } from "otpauth";

export function authenticatorApp(secret: string) {
  let lastStep: number | null = null;
  return {
    /** The code of the earliest step that is still in the window and later than the last one used. */
    nextCode(): string {
      const current = Math.floor(Date.now() / 30_000);
      const step = Math.max(current - 1, lastStep === null ? current - 1 : lastStep + 1);
      lastStep = step;
      return HOTP.generate({ secret: Secret.fromBase32(secret), counter: step });
    },
  };
}
