// Company and merchant-account fields as a person reads them, not as they are stored.
import english from "../i18n/locales/en/company.json" with { type: "json" };
import { type Translate, textsOf } from "./catalogueText.js";

const englishCompany = textsOf(english);

/** "Singapore" for "SG" (新加坡 in Chinese); a value that is no ISO 3166 region code is shown as it is. */
export function countryName(code: string, language = "en"): string {
  const trimmed = code.trim();
  if (!/^[A-Za-z]{2}$|^\d{3}$/.test(trimmed)) return code;
  try {
    return (
      new Intl.DisplayNames([language], { type: "region", fallback: "code" }).of(trimmed.toUpperCase()) ??
      code
    );
  } catch {
    return code;
  }
}

/**
 * "Active" for "active", "Pending review" for "pending_review": a status the `company` catalogue
 * names is said in its words (in the language of `t`), any other as its own words.
 */
export function readableStatus(status: string, t: Translate = englishCompany): string {
  const known = t(`status.${status}`);
  if (known !== `status.${status}`) return known;
  const words = status.replaceAll(/[_-]+/g, " ").trim().toLowerCase();
  return words === "" ? status : words.charAt(0).toUpperCase() + words.slice(1);
}
