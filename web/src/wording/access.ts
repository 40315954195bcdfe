// Whom a refused member asks for access: the company's Admins by name when the member may see the
// member list, else just "an Admin" (the 403 page never reveals names a member could not look up).

const listFormat = new Intl.ListFormat("en", { style: "long", type: "disjunction" });

/** At most this many names; more would make a paragraph of it. */
export const ADMIN_NAMES_SHOWN = 3;

/**
 * "Ask an Admin of Acme for access." or, with names,
 * "Ask an Admin of Acme for access: Alice Tan or Bob Lee."
 */
export function whomToAsk(companyName: string, adminNames: readonly string[] | null): string {
  const base = `Ask an Admin of ${companyName} for access`;
  const names = (adminNames ?? []).map((name) => name.trim()).filter((name) => name !== "");
  if (names.length === 0) return `${base}.`;
  const shown = names.slice(0, ADMIN_NAMES_SHOWN);
  const rest = names.length - shown.length;
  const list = rest > 0 ? `${shown.join(", ")} or ${rest} more` : listFormat.format(shown);
  return `${base}: ${list}.`;
}
