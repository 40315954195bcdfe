// Secret tokens of emailed links ride in the URL fragment, which no request or Referer carries;
// pages read them once and take them out of the address bar at once.

/** The `token` of the address bar's fragment (`#token=…`), or null. */
export function readFragmentToken(): string | null {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
  return token === null || token === "" ? null : token;
}

/** Replaced, not pushed: the history entry keeps no token for Back or a synced browser history. */
export function removeFragmentFromAddressBar(): void {
  if (window.location.hash === "") return;
  window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
}
