// CSV for exports (rule 17): RFC 4180 quoting, and cells a spreadsheet would run as a formula
// (starting with = + - @, tab or CR) are prefixed with an apostrophe so they stay text.
import { Readable } from "node:stream";

const FORMULA_START = /^[=+\-@\t\r]/;
// Rows per chunk written to the response (a few KB to a few tens of KB of text).
const CHUNK_ROWS = 100;

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
 * Streams every page of a keyset query as CSV, reading one batch ahead. fetchPage reads up
 * to batchSize rows after the key of the last row streamed (null for the first page); toLine
 * writes a row's line, CRLF included (csvRow, or a line the query built).
 */
export function csvStream<R>(
  header: string[],
  batchSize: number,
  fetchPage: (after: [string, string] | null) => Promise<R[]>,
  keyOf: (row: R) => [string, string],
  toLine: (row: R) => string,
): Readable {
  async function* chunks() {
    yield csvRow(header);
    let next: Promise<R[]> | null = fetchPage(null);
    while (next) {
      const page: R[] = await next;
      // The next batch is asked for before this one is written out, so the database reads it
      // while this process formats and sends: two batches in memory at most, never more.
      next = page.length === batchSize ? fetchPage(keyOf(page[page.length - 1] as R)) : null;
      // A client that goes away stops this generator: the prefetched batch is then dropped, and
      // its failure (if any) is not left unhandled.
      next?.catch(() => {});
      // Chunks stay well under V8's large-object size (~128 KB): a whole batch as one string would
      // be allocated straight into the old generation.
      for (let start = 0; start < page.length; start += CHUNK_ROWS) {
        let chunk = "";
        const end = Math.min(page.length, start + CHUNK_ROWS);
        for (let i = start; i < end; i += 1) chunk += toLine(page[i] as R);
        yield chunk;
      }
    }
  }
  // At most a few chunks wait for the socket: backpressure, not buffering, sets the pace.
  return Readable.from(chunks(), { highWaterMark: 4 });
}
