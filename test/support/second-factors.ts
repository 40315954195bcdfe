// Second factors for integration tests: TOTP codes computed by the otpauth library at chosen times,
// as an authenticator app would, and an account enrolled through the API itself.
import type { LightMyRequestResponse } from "fastify";
import { Secret, TOTP } from "otpauth";
import type { Harness } from "./harness.js";

/** The code an authenticator app shows at `at` (SHA-1, 6 digits, 30 s). */
export function totpCodeAt(secret: string, at: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime() });
}

/** The code of the time step `steps` away from the harness clock's current one. */
export function totpCodeSteps(h: Harness, secret: string, steps: number): string {
  return totpCodeAt(secret, new Date(h.clock.now().getTime() + steps * 30_000));
}

/** Moves the harness clock to the start of the next 30-second step, so ±1 step is exact. */
export function startOfNextStep(h: Harness): void {
  const now = h.clock.now().getTime();
  h.clock.set(new Date(Math.floor(now / 30_000) * 30_000 + 30_000));
}

export type Enrolled = {
  secret: string;
  recoveryCodes: string[];
  /** The session that enrolled (full, and verified). */
  cookie: string;
};

/** Enrols TOTP for a logged-in account through the API: fresh verification, start, confirm. */
export async function enrolTotp(h: Harness, cookie: string): Promise<Enrolled> {
  await h.elevate(cookie);
  const started = await h.inject(cookie, { method: "POST", url: "/api/me/mfa/totp", payload: {} });
  if (started.statusCode !== 201) throw new Error(`enrolment: ${started.statusCode} ${started.body}`);
  const { secret } = started.json() as { secret: string };
  const confirmed = await h.inject(cookie, {
    method: "POST",
    url: "/api/me/mfa/totp/confirm",
    payload: { code: totpCodeAt(secret, h.clock.now()) },
  });
  if (confirmed.statusCode !== 200) throw new Error(`confirm: ${confirmed.statusCode} ${confirmed.body}`);
  // The enrolment used this step: later tests start on a step of their own.
  h.clock.advance(30_000);
  return { secret, recoveryCodes: confirmed.json().recoveryCodes, cookie };
}

/** Logs in with the password; for an account with a factor, the cookie is the second-step session's. */
export async function passwordStep(
  h: Harness,
  email: string,
  options: { password?: string; deviceCookie?: string; remoteAddress?: string } = {},
): Promise<{ response: LightMyRequestResponse; cookie: string | undefined }> {
  const response = await h.app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { email, password: options.password ?? "correct horse battery staple 42" },
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    ...(options.deviceCookie ? { headers: { cookie: options.deviceCookie } } : {}),
  });
  return { response, cookie: h.sessionCookie(response) };
}
