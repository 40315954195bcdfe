// Looking texts up in the server's catalogues: t() for a text in a language, and the translation of
// an error body's English message, which services write in English and the error handler answers in
// the request's language (SPEC §6.6). Unknown messages fall back to the code's own translated message.
import { ERROR_CODES, type ErrorCode } from "../errors.js";
import { EN_TEXTS, type TextKey } from "./catalogue-en.js";
import { ZH_CN_ERRORS, ZH_CN_TEXTS } from "./catalogue-zh-CN.js";
import type { Language } from "./languages.js";

export type TextValues = Record<string, string | number>;

const TEXTS: Record<Language, Record<TextKey, string>> = { en: EN_TEXTS, "zh-CN": ZH_CN_TEXTS };

function fill(template: string, values: TextValues): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** A text of the catalogue in `language`, with its {{placeholders}} filled in. */
export function t(language: Language, key: TextKey, values: TextValues = {}): string {
  return fill(TEXTS[language][key], values);
}

/** The placeholders a template names, in order. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] as string);
}

type MessagePattern = { key: TextKey; pattern: RegExp; names: string[] };

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Every message.* text, as an exact string or, with placeholders, a pattern that reads their values back.
const EXACT_MESSAGES = new Map<string, TextKey>();
const MESSAGE_PATTERNS: MessagePattern[] = [];
for (const [key, english] of Object.entries(EN_TEXTS) as [TextKey, string][]) {
  if (!key.startsWith("message.")) continue;
  const names = placeholdersOf(english);
  if (names.length === 0) {
    EXACT_MESSAGES.set(english, key);
    continue;
  }
  const source = english
    .split(/\{\{\w+\}\}/)
    .map(escapeRegExp)
    .join("(.+?)");
  MESSAGE_PATTERNS.push({ key, pattern: new RegExp(`^${source}$`, "s"), names });
}

/** The catalogue key and values of an English message services write, when it is catalogued. */
export function findMessage(english: string): { key: TextKey; values: TextValues } | null {
  const exact = EXACT_MESSAGES.get(english);
  if (exact) return { key: exact, values: {} };
  for (const { key, pattern, names } of MESSAGE_PATTERNS) {
    const match = pattern.exec(english);
    if (match) return { key, values: Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? ""])) };
  }
  return null;
}

/** An error body's message in `language`: the code's own, or the service's more precise one. */
export function errorMessage(language: Language, code: ErrorCode, english: string): string {
  if (language === "en") return english;
  if (english === ERROR_CODES[code].message) return ZH_CN_ERRORS[code];
  const found = findMessage(english);
  return found ? t(language, found.key, found.values) : ZH_CN_ERRORS[code];
}
