// Timestamps from the API (ISO 8601) as the reader's language and time zone write them. The formats
// follow the page's language (i18next's), made again when it changes.
import i18next from "i18next";

// Each format is made the first time a page asks for it: making one loads the language's calendar
// data, and a page that shows only dates should not pay for the four formats it never uses.
const OPTIONS = {
  dateTime: { dateStyle: "medium", timeStyle: "short" },
  time: { timeStyle: "short" },
  date: { dateStyle: "medium" },
  // Settlement periods and Insights days are whole UTC days; shown in the reader's zone they would
  // slip to the previous or next day.
  utcDate: { dateStyle: "medium", timeZone: "UTC" },
  // The reader's own zone (the browser's), named after the time: "3 Dec 2026, 14:05 GMT+1".
  instantWithZone: {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

type FormatName = keyof typeof OPTIONS;

let formats = new Map<FormatName, Intl.DateTimeFormat>();
let formatsLanguage = i18next.language;

/** The format of the page's current language (i18next may be set up after this module loads). */
function formatOf(name: FormatName): Intl.DateTimeFormat {
  if (i18next.language !== formatsLanguage) {
    formatsLanguage = i18next.language;
    formats = new Map();
  }
  let made = formats.get(name);
  if (made === undefined) {
    made = new Intl.DateTimeFormat(formatsLanguage || "en", OPTIONS[name]);
    formats.set(name, made);
  }
  return made;
}

function format(iso: string, name: FormatName): string {
  const value = new Date(iso);
  return Number.isNaN(value.getTime()) ? iso : formatOf(name).format(value);
}

export function formatDateTime(iso: string): string {
  return format(iso, "dateTime");
}

export function formatTime(iso: string): string {
  return format(iso, "time");
}

export function formatDate(iso: string): string {
  return format(iso, "date");
}

/** The calendar day of a UTC midnight (or any instant), as it reads in UTC. */
export function formatUtcDate(iso: string): string {
  return format(iso, "utcDate");
}

/** An instant in the reader's time zone with the zone's abbreviation or offset. */
export function formatInstant(iso: string): string {
  return format(iso, "instantWithZone");
}
