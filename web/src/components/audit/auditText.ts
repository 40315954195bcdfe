// The audit log's words (the `audit` catalogue) as a plain function of a key and its values: the
// page passes its translator in the reader's language; anything else (a test, a caller outside
// React) gets English, read from the same catalogue.
import i18next from "i18next";
import english from "../../i18n/locales/en/audit.json" with { type: "json" };

/** A key of the `audit` catalogue and its interpolation values → the text. */
export type AuditText = (key: string, values?: Record<string, unknown>) => string;

const englishCatalogue = i18next.createInstance();
void englishCatalogue.init({
  lng: "en",
  initAsync: false,
  resources: { en: { audit: english } },
  ns: ["audit"],
  defaultNS: "audit",
  interpolation: { escapeValue: false },
});

const englishT = englishCatalogue.getFixedT("en", "audit");

export const englishAuditText: AuditText = (key, values) => englishT(key, values ?? {}) as string;
