// The web app's languages (SPEC §6.6): English and Simplified Chinese through i18next. Each
// namespace is one JSON catalogue per language under ./locales, fetched when a component first asks
// for it, so the login page carries only its own words. The language is the account's preference
// once it is known, else the one chosen in this browser, else the browser's languages (what the
// server reads as Accept-Language), else English.
import i18next, { type BackendModule, type ReadCallback } from "i18next";
import { initReactI18next } from "react-i18next";

export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's own name, as the language switch shows it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", "zh-CN": "简体中文" };

/** The languages as a Select's options, each named in itself. */
export const LANGUAGE_OPTIONS = LANGUAGES.map((language) => ({
  value: language,
  label: LANGUAGE_NAMES[language],
}));

const STORAGE_KEY = "portal.language";

/** The supported language a BCP 47 tag asks for ("zh", "zh-Hans-CN" → zh-CN), or null. */
export function supportedLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  if (
    lower === "zh" ||
    lower.startsWith("zh-cn") ||
    lower.startsWith("zh-hans") ||
    lower.startsWith("zh-sg")
  ) {
    return "zh-CN";
  }
  if (lower === "en" || lower.startsWith("en-")) return "en";
  return null;
}

function storedLanguage(): Language | null {
  try {
    return supportedLanguage(window.localStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

/** The language to start with, before the account's preference is known. */
export function initialLanguage(): Language {
  const stored = storedLanguage();
  if (stored) return stored;
  for (const tag of typeof navigator === "undefined" ? [] : navigator.languages) {
    const language = supportedLanguage(tag);
    if (language) return language;
  }
  return "en";
}

// Each catalogue is a chunk of its own, fetched on first use.
const loaders = import.meta.glob<{ default: Record<string, unknown> }>("./locales/*/*.json");

/** Every namespace of the catalogues (the English files name them). */
export const NAMESPACES: readonly string[] = Object.keys(loaders)
  .map((file) => /^\.\/locales\/en\/(.+)\.json$/.exec(file)?.[1])
  .filter((namespace): namespace is string => namespace !== undefined);

const catalogues: BackendModule = {
  type: "backend",
  init() {},
  read(language: string, namespace: string, callback: ReadCallback) {
    const load = loaders[`./locales/${language}/${namespace}.json`];
    if (load === undefined) {
      callback(new Error(`no catalogue ${language}/${namespace}`), false);
      return;
    }
    load().then(
      (module) => callback(null, module.default),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), false),
    );
  },
};

/** Settles once the first namespace of the starting language is here (or could not be loaded). */
export const i18nStarted: Promise<unknown> = i18next
  .use(catalogues)
  .use(initReactI18next)
  .init({
    lng: initialLanguage(),
    fallbackLng: "en",
    supportedLngs: [...LANGUAGES],
    // "zh-CN" is a language of its own here, not "zh" with a region.
    load: "currentOnly",
    ns: ["common"],
    defaultNS: "common",
    interpolation: { escapeValue: false },
  })
  .catch(() => undefined);

document.documentElement.lang = i18next.language;
i18next.on("languageChanged", (language) => {
  document.documentElement.lang = language;
});

/** The current language, one of LANGUAGES. */
export function currentLanguage(): Language {
  return supportedLanguage(i18next.language) ?? "en";
}

/**
 * Switches the page to `language` and remembers it in this browser (the account's preference is
 * saved by the caller, see LanguageSwitch).
 */
export async function switchLanguage(language: Language): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Storage may be off (private windows): the choice then lasts for this page only.
  }
  if (currentLanguage() !== language) await i18next.changeLanguage(language);
}

/**
 * Loads every namespace of the current language ahead of its pages (once a portal page is open);
 * settles when they are here, so the first page can render without suspending for its words.
 */
export function preloadNamespaces(): Promise<unknown> {
  // Every catalogue's file is asked for now, beside the page's code: i18next alone reads ten at a
  // time, and asks for the next once one is here. It then finds them in the module cache.
  const language = supportedLanguage(i18next.language) ?? initialLanguage();
  for (const namespace of NAMESPACES) {
    void loaders[`./locales/${language}/${namespace}.json`]?.().catch(() => undefined);
  }
  return i18next.loadNamespaces([...NAMESPACES]).catch(() => undefined);
}

export { i18next };
