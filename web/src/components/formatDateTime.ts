// Timestamps from the API (ISO 8601) as the reader's language and time zone write them. The formats
// follow the page's language (i18next's), made again when it changes.
import i18next from "i18next";

interface Formats {
  dateTime: Intl.DateTimeFormat;
  time: Intl.DateTimeFormat;
  date: Intl.DateTimeFormat;
  utcDate: Intl.DateTimeFormat;
  instantWithZone: Intl.DateTimeFormat;
}

function formatsFor(language: string | undefined): Formats {
  const locale = language || "en";
  return {
    dateTime: new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }),
    time: new Intl.DateTimeFormat(locale, { timeStyle: "short" }),
    date: new Intl.DateTimeFormat(locale, { dateStyle: "medium" }),
    // Settlement periods and Insights days are whole UTC days; shown in the reader's zone they would
    // slip to the previous or next day.
    utcDate: new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }),
    // The reader's own zone (the browser's), named after the time: "3 Dec 2026, 14:05 GMT+1".
    instantWithZone: new Intl.DateTimeFormat(locale, {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    }),
  };
}

let formats = formatsFor(i18next.language);
let formatsLanguage = i18next.language;

/** The formats of the page's current language (i18next may be set up after this module loads). */
function current(): Formats {
  if (i18next.language !== formatsLanguage) {
    formatsLanguage = i18next.language;
    formats = formatsFor(formatsLanguage);
  }
  return formats;
}

function format(iso: string, formatter: (formats: Formats) => Intl.DateTimeFormat): string {
  const value = new Date(iso);
  return Number.isNaN(value.getTime()) ? iso : formatter(current()).format(value);
}

export function formatDateTime(iso: string): string {
  return format(iso, (f) => f.dateTime);
}

export function formatTime(iso: string): string {
  return format(iso, (f) => f.time);
}

export function formatDate(iso: string): string {
  return format(iso, (f) => f.date);
}

/** The calendar day of a UTC midnight (or any instant), as it reads in UTC. */
export function formatUtcDate(iso: string): string {
  return format(iso, (f) => f.utcDate);
}

/** An instant in the reader's time zone with the zone's abbreviation or offset. */
export function formatInstant(iso: string): string {
  return format(iso, (f) => f.instantWithZone);
}
