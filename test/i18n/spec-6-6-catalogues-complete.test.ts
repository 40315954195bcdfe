// SPEC §6.6: "a test fails on a missing key in either language". Every catalogue of the web app
// (web/src/i18n/locales/<language>/<namespace>.json) exists in English and in Simplified Chinese with
// the same keys (plural forms aside: Chinese has only `_other`), no empty text, and the same
// {{placeholders}} in both.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const LOCALES = path.resolve(import.meta.dirname, "../../web/src/i18n/locales");
const LANGUAGES = ["en", "zh-CN"] as const;
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** "a.b.c" → text, for every string leaf of a catalogue. */
function flatten(value: unknown, prefix = ""): Map<string, string> {
  const leaves = new Map<string, string>();
  if (typeof value === "string") {
    leaves.set(prefix, value);
    return leaves;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${prefix || "(root)"}: a catalogue holds only objects and strings`);
  }
  for (const [key, child] of Object.entries(value)) {
    for (const [leaf, text] of flatten(child, prefix === "" ? key : `${prefix}.${key}`))
      leaves.set(leaf, text);
  }
  return leaves;
}

function catalogue(language: string, file: string): Map<string, string> {
  return flatten(JSON.parse(readFileSync(path.join(LOCALES, language, file), "utf8")));
}

/** The keys without their plural suffix, each with the placeholders its texts use. */
function shape(leaves: Map<string, string>): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  for (const [key, text] of leaves) {
    const base = key.replace(PLURAL_SUFFIX, "");
    const placeholders = keys.get(base) ?? new Set<string>();
    for (const match of text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)) placeholders.add(match[1] as string);
    keys.set(base, placeholders);
  }
  return keys;
}

const files = (language: string) =>
  readdirSync(path.join(LOCALES, language))
    .filter((file) => file.endsWith(".json"))
    .sort();

describe("SPEC §6.6: no user-facing string outside the catalogues, and no key missing in either language", () => {
  it("both languages have the same catalogue files", () => {
    expect(files("zh-CN")).toEqual(files("en"));
    expect(files("en").length).toBeGreaterThan(0);
  });

  for (const file of files("en")) {
    it(`${file}: the same keys and placeholders in English and Chinese, and no empty text`, () => {
      const [english, chinese] = LANGUAGES.map((language) => catalogue(language, file)) as [
        Map<string, string>,
        Map<string, string>,
      ];
      const englishShape = shape(english);
      const chineseShape = shape(chinese);
      const missingInChinese = [...englishShape.keys()].filter((key) => !chineseShape.has(key));
      const missingInEnglish = [...chineseShape.keys()].filter((key) => !englishShape.has(key));
      expect({ missingInChinese, missingInEnglish }).toEqual({ missingInChinese: [], missingInEnglish: [] });
      for (const [key, placeholders] of englishShape) {
        expect([...(chineseShape.get(key) ?? [])].sort(), `${file} ${key}`).toEqual([...placeholders].sort());
      }
      const empty = [...english, ...chinese].filter(([, text]) => text.trim() === "").map(([key]) => key);
      expect(empty).toEqual([]);
      // English plurals have both forms; Chinese needs only _other.
      for (const key of english.keys()) {
        if (key.endsWith("_one")) expect(english.has(key.replace(/_one$/, "_other")), key).toBe(true);
      }
    });
  }
});
