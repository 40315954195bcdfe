// Every mail the portal sends, as plain text and HTML, in its recipient's language and time zone
// (SPEC §6.6). Names and other user-supplied text are HTML-escaped in the HTML part and stripped of
// CR/LF everywhere (rule 17).

import type { TextKey } from "../i18n/catalogue-en.js";
import type { Language } from "../i18n/languages.js";
import { type TextValues, t } from "../i18n/translate.js";

/** Whom a mail is written for: their language, and their time zone when they chose one. */
export type MailLocale = { language: Language; timeZone: string | null };

/** A recipient who chose nothing: English, times in UTC. */
export const ENGLISH_UTC: MailLocale = { language: "en", timeZone: null };

/** The locale of a recipient from their account's columns; `fallback` when they chose no language. */
export function mailLocaleOf(
  account: { language?: Language | null; time_zone?: string | null } | null | undefined,
  fallback: Language = "en",
): MailLocale {
  return { language: account?.language ?? fallback, timeZone: account?.time_zone ?? null };
}

export type RenderedMail = { subject: string; text: string; html: string };

export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** One line, no control characters: safe for a header and for a line of text. */
export function oneLine(value: string, max = 200): string {
  return value
    .replace(/\p{Cc}+/gu, " ")
    .trim()
    .slice(0, max);
}

function layout(title: string, paragraphs: string[], language: Language): string {
  return [
    "<!doctype html>",
    `<html lang="${language}"><body style="font-family:Arial,Helvetica,sans-serif;color:#1f1f1f;max-width:560px">`,
    `<h2>${escapeHtml(title)}</h2>`,
    ...paragraphs.map((p) => `<p>${p}</p>`),
    `<p style="color:#8c8c8c;font-size:12px">${escapeHtml(t(language, "mail.footer"))}</p>`,
    "</body></html>",
  ].join("\n");
}

export function renderMail(
  subject: string,
  lines: { text: string; html?: string }[],
  language: Language = "en",
): RenderedMail {
  const cleanSubject = oneLine(subject, 300);
  return {
    subject: cleanSubject,
    text: `${lines.map((l) => l.text).join("\n\n")}\n`,
    html: layout(
      cleanSubject,
      lines.map((l) => l.html ?? escapeHtml(l.text)),
      language,
    ),
  };
}

/**
 * A notice in the layout most mails share: the greeting, one paragraph, then closing lines. The
 * subject and the paragraph are catalogue texts filled with `values` (each takes the placeholders
 * it names); the closing lines are catalogue texts as they are.
 */
export function noticeMail(
  locale: MailLocale,
  name: string,
  texts: { subject: TextKey; body: TextKey; closing: readonly TextKey[] },
  values: TextValues = {},
): RenderedMail {
  const { language } = locale;
  return renderMail(
    t(language, texts.subject, values),
    [
      greetingLine(language, name),
      { text: t(language, texts.body, values) },
      ...texts.closing.map((key) => ({ text: t(language, key) })),
    ],
    language,
  );
}

// English keeps the British order ("2 March 2026 at 09:00"); Chinese says "2026年3月2日 17:00".
const INTL_LOCALE: Record<Language, string> = { en: "en-GB", "zh-CN": "zh-CN" };

// Building a formatter costs far more than formatting with one, so each language and zone has one.
// Zones are names Intl knows, but their spelling is free ("asia/shanghai"): the set is bounded.
const FORMATTERS_MAX = 1_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(language: Language, timeZone: string): Intl.DateTimeFormat {
  const key = `${language} ${timeZone}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat(INTL_LOCALE[language], {
      dateStyle: "long",
      timeStyle: "short",
      timeZone,
    });
    if (formatters.size >= FORMATTERS_MAX) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * A moment as a reader says it, in their language and time zone: "2 March 2026 at 09:00 UTC",
 * "2 March 2026 at 17:00 (Asia/Shanghai)", "2026年3月2日 17:00（Asia/Shanghai）". Without a chosen
 * zone the time is UTC and says so.
 */
export function readableTime(at: Date, locale: MailLocale = ENGLISH_UTC): string {
  const time = formatterFor(locale.language, locale.timeZone ?? "UTC").format(at);
  return locale.timeZone
    ? t(locale.language, "mail.time_zone", { time, zone: locale.timeZone })
    : t(locale.language, "mail.time_utc", { time });
}

/** "Hello Ada," or, without a name, "Hello,": in the reader's language. */
export function greetingLine(language: Language, name: string): { text: string } {
  const clean = oneLine(name, 100);
  return { text: clean ? t(language, "mail.hello_name", { name: clean }) : t(language, "mail.hello") };
}

const PREDEFINED_ROLE_TEXTS = {
  admin: "role.admin",
  finance: "role.finance",
  operations: "role.operations",
  developer: "role.developer",
  data_analytics: "role.data_analytics",
} as const;

/** A role's name for a reader: a predefined role's in their language, a custom role's as its Admin wrote it. */
export function roleNameIn(language: Language, role: { key?: string | null; name: string }): string {
  const key = role.key && Object.hasOwn(PREDEFINED_ROLE_TEXTS, role.key) ? role.key : null;
  return key
    ? t(language, PREDEFINED_ROLE_TEXTS[key as keyof typeof PREDEFINED_ROLE_TEXTS])
    : oneLine(role.name, 60);
}

/** Role names as one list in the reader's language ("Admin, Finance"; "管理员、财务"). */
export function roleListIn(
  language: Language,
  roles: readonly { key?: string | null; name: string }[],
): string {
  return roles.map((role) => roleNameIn(language, role)).join(t(language, "mail.list_separator"));
}

/** A link in both parts; the URL is built by the caller from PUBLIC_URL, never from a request. */
export function linkLine(label: string, url: string): { text: string; html: string } {
  return { text: `${label}: ${url}`, html: `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>` };
}
