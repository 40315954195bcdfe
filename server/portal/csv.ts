// CSV for exports (rule 17): RFC 4180 quoting, and cells a spreadsheet would run as a formula
// (starting with = + - @, tab or CR) are prefixed with an apostrophe so they stay text.
import { Readable } from "node:stream";

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/**
 * Streams every page of a keyset query as CSV, one batch in memory at a time. fetchPage reads up
 * to batchSize rows after the key of the last row streamed (null for the first page).
 */
export function csvStream<R>(
  header: string[],
  batchSize: number,
  fetchPage: (after: [string, string] | null) => Promise<R[]>,
  keyOf: (row: R) => [string, string],
  toCells: (row: R) => (string | number | null)[],
): Readable {
  async function* rows() {
    yield csvRow(header);
    let after: [string, string] | null = null;
    for (;;) {
      const page = await fetchPage(after);
      if (page.length === 0) return;
      yield page.map((row) => csvRow(toCells(row))).join("");
      if (page.length < batchSize) return;
      after = keyOf(page[page.length - 1] as R);
    }
  }
  // At most two batches wait for the socket: backpressure, not buffering, sets the pace.
  return Readable.from(rows(), { highWaterMark: 2 });
}
