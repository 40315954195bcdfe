// An authenticator app for browser tests: codes of the secret the Security page shows, computed with
// the otpauth library on the real clock. Each code is of a later time step than the one before (a
// step is accepted once) and within one step of now (the server's window), so no test waits.
import { HOTP, Secret } from "otpauth";

const STEP_MS = 30_000;
/** A code typed this close to the end of a step may reach the server in the next one. */
const TYPING_MARGIN_MS = 5_000;

export function authenticatorApp(secret: string) {
  let lastStep: number | null = null;
  return {
    /**
     * The code of the earliest step that is later than the last one used and still in the window
     * when the server reads it: the step before now, unless now's step ends within the margin (the
     * step before would then fall out of the window on the way).
     */
    nextCode(): string {
      const now = Date.now();
      const current = Math.floor(now / STEP_MS);
      const earliest = now % STEP_MS > STEP_MS - TYPING_MARGIN_MS ? current : current - 1;
      const step = Math.max(earliest, lastStep === null ? earliest : lastStep + 1);
      lastStep = step;
      return HOTP.generate({ secret: Secret.fromBase32(secret), counter: step });
    },
  };
}
