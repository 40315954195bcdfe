// The languages the portal speaks (SPEC §6.6) and how a request's language is chosen: the account's
// preference, else Accept-Language (q-values honoured, any Chinese tag → zh-CN), else English.

export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "en";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** The portal's language for one language tag of Accept-Language, or null when it speaks none of it. */
function languageOfTag(tag: string): Language | null {
  const primary = tag.toLowerCase().split("-")[0];
  if (primary === "zh") return "zh-CN";
  if (primary === "en") return "en";
  return null;
}

/** The best language of an Accept-Language header that the portal speaks; English when none. */
export function negotiateLanguage(header: string | string[] | undefined): Language {
  const value = Array.isArray(header) ? header.join(",") : header;
  if (!value) return DEFAULT_LANGUAGE;
  const ranked = value
    .slice(0, 1000)
    .split(",")
    .map((part, index) => {
      const [tag = "", ...parameters] = part.trim().split(";");
      const q = parameters.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { language: languageOfTag(tag.trim()), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.language !== null && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked[0]?.language ?? DEFAULT_LANGUAGE;
}

/** The request's language: the signed-in account's preference first, then the browser's. */
export function requestLanguage(
  accountLanguage: Language | null | undefined,
  acceptLanguage: string | string[] | undefined,
): Language {
  return accountLanguage ?? negotiateLanguage(acceptLanguage);
}

/** True for an IANA time zone name that this runtime's Intl knows ("Asia/Shanghai", "UTC"). */
export function isTimeZone(value: unknown): value is string {
  // Names only: Intl also takes offsets ("+08:00"), which are no zone and ignore summer time.
  if (typeof value !== "string" || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return false;
  if (value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
