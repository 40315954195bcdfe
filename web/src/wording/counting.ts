// A count with its noun in the right number: "1 member", "2 members", "1 settlement batch".
const pluralRules = new Intl.PluralRules("en");
const count = new Intl.NumberFormat();

/** The singular of a plural noun phrase as the portal uses them ("members", "settlement batches"). */
function singularOf(plural: string): string {
  if (/(ch|sh|ss|x)es$/.test(plural)) return plural.slice(0, -2);
  return plural.endsWith("s") ? plural.slice(0, -1) : plural;
}

/** `plural` as the noun goes with `total`: "member" for one, "members" for any other number. */
export function nounFor(total: number, plural: string): string {
  return pluralRules.select(total) === "one" ? singularOf(plural) : plural;
}

/** "1 member", "1,000+ members" (`isExact` false: the server stopped counting). */
export function countedNoun(total: number, plural: string, isExact = true): string {
  return isExact ? `${count.format(total)} ${nounFor(total, plural)}` : `${count.format(total)}+ ${plural}`;
}
