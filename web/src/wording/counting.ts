// A count with its noun in the reader's language: "1 member", "2 members", "1 settlement batch";
// in Chinese "1 名成员" (no plural). The noun is named by its English plural ("members"), which is also
// its key in the `paging` catalogue; a noun the catalogue does not know keeps the English rule.
import i18next from "i18next";

const pluralRules = new Intl.PluralRules("en");

/** The key of a noun in the `paging` catalogue: "settlement batches" → "settlement_batches". */
function keyOf(plural: string): string {
  return plural.replace(/\s+/g, "_");
}

/** The singular of a plural noun phrase as the portal uses them ("members", "settlement batches"). */
function singularOf(plural: string): string {
  if (/(ch|sh|ss|x)es$/.test(plural)) return plural.slice(0, -2);
  return plural.endsWith("s") ? plural.slice(0, -1) : plural;
}

/** `plural` as the noun goes with `total` in English: "member" for one, "members" for any other number. */
export function nounFor(total: number, plural: string): string {
  return pluralRules.select(total) === "one" ? singularOf(plural) : plural;
}

/** A number as the page's language writes it ("1,000"). */
export function formatCount(value: number): string {
  return new Intl.NumberFormat(i18next.language || undefined).format(value);
}

/**
 * "1 member", "1,000+ members" (`isExact` false: the server stopped counting); needs the `paging`
 * namespace loaded (the caller's useTranslation("paging")).
 */
export function countedNoun(total: number, plural: string, isExact = true): string {
  const number = formatCount(total);
  const key = `paging:nouns.${keyOf(plural)}`;
  if (!isExact) {
    const english = `${number}+ ${plural}`;
    if (!i18next.isInitialized) return english;
    return i18next.t(`${key}_atLeast`, { number, defaultValue: english });
  }
  const english = `${number} ${nounFor(total, plural)}`;
  // Outside the app (the units of the wording) there are no catalogues: the English rule.
  if (!i18next.isInitialized) return english;
  return i18next.t(key, { count: total, number, defaultValue: english });
}
