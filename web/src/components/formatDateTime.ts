// Timestamps from the API (ISO 8601) as the reader's locale and time zone write them.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : time.format(date);
}

const date = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
// Settlement periods and Insights days are whole UTC days; shown in the reader's zone they would
// slip to the previous or next day.
const utcDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });

export function formatDate(iso: string): string {
  const value = new Date(iso);
  return Number.isNaN(value.getTime()) ? iso : date.format(value);
}

/** The calendar day of a UTC midnight (or any instant), as it reads in UTC. */
export function formatUtcDate(iso: string): string {
  const value = new Date(iso);
  return Number.isNaN(value.getTime()) ? iso : utcDate.format(value);
}

// The reader's own zone (the browser's), named after the time: "3 Dec 2026, 14:05 GMT+1".
const instantWithZone = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
});

/** An instant in the reader's time zone with the zone's abbreviation or offset. */
export function formatInstant(iso: string): string {
  const value = new Date(iso);
  return Number.isNaN(value.getTime()) ? iso : instantWithZone.format(value);
}
