// Secret tokens of emailed links ride in the URL fragment, which no request or Referer carries;
// pages read them once and take them out of the address bar at once. The app takes a token out at
// start-up already (takeFragmentTokenAtStart), before the page's own code has loaded.

/** A token taken out of the address bar at start-up, until its page has read it. */
let tokenAtStart: string | null = null;

function tokenInAddressBar(): string | null {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
  return token === null || token === "" ? null : token;
}

function replaceAddress(): void {
  window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
}

/** Called once when the app starts: a fragment's token leaves the address bar before anything else. */
export function takeFragmentTokenAtStart(): void {
  const token = tokenInAddressBar();
  if (token === null) return;
  tokenAtStart = token;
  replaceAddress();
}

/** The `token` of the address bar's fragment (`#token=…`), else the one taken at start-up, or null. */
export function readFragmentToken(): string | null {
  return tokenInAddressBar() ?? tokenAtStart;
}

/** Replaced, not pushed: the history entry keeps no token for Back or a synced browser history. */
export function removeFragmentFromAddressBar(): void {
  // The page has read its token: one taken at start-up is not handed to a later page.
  tokenAtStart = null;
  if (window.location.hash === "") return;
  replaceAddress();
}
