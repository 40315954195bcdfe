// Whom a refused member asks for access: the company's Admins by name when the member may see the
// member list, else just "an Admin" (the 403 page never reveals names a member could not look up).
import english from "../i18n/locales/en/shell.json" with { type: "json" };
import { type Translate, textsOf } from "./catalogueText.js";

const englishShell = textsOf(english);

/** At most this many names; more would make a paragraph of it. */
export const ADMIN_NAMES_SHOWN = 3;

/**
 * "Ask an Admin of Acme for access." or, with names,
 * "Ask an Admin of Acme for access: Alice Tan or Bob Lee." In the language of `t` (the `shell`
 * namespace), English without it.
 */
export function whomToAsk(
  companyName: string,
  adminNames: readonly string[] | null,
  t: Translate = englishShell,
  language = "en",
): string {
  const names = (adminNames ?? []).map((name) => name.trim()).filter((name) => name !== "");
  if (names.length === 0) return t("access.ask", { company: companyName });
  const shown = names.slice(0, ADMIN_NAMES_SHOWN);
  const rest = names.length - shown.length;
  const list =
    rest > 0
      ? t("access.namesAndMore", { names: shown.join(t("access.separator")), count: rest })
      : new Intl.ListFormat(language, { style: "long", type: "disjunction" }).format(shown);
  return t("access.askNamed", { company: companyName, names: list });
}
