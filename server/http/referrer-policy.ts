// Pages and endpoints that carry a one-time secret send `Referrer-Policy: no-referrer` (SECURITY 19, 37),
// so the URL of such a page never travels to another site; everything else keeps helmet's `same-origin`.
// The security plugin sets it when a request arrives, so errors and the SPA fallback carry it too.
/**
 * Path prefixes that get no-referrer: the reset, unlock and invitation pages (token in their fragment),
 * the reset and unlock APIs, and the invitation API (the public link endpoints carry the token in their path).
 */
export const NO_REFERRER_PATH_PREFIXES = [
  "/reset-password",
  "/api/auth/password-reset",
  "/unlock-login",
  "/api/auth/login-unlock",
  "/invitations",
  "/api/invitations",
];

export function sendsNoReferrer(url: string): boolean {
  const path = url.split(/[?#]/, 1)[0] ?? "";
  return NO_REFERRER_PATH_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}
