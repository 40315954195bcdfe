// Rule 17 for CSV cells: spreadsheet formulas are neutralised and quoting round-trips.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, csvRow, csvStream } from "./csv.js";

/** A minimal RFC 4180 reader for one row, enough to check what csvRow writes. */
function parseRow(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  const text = line.replace(/\r\n$/, "");
  while (i <= text.length) {
    if (text[i] === '"') {
      let value = "";
      i += 1;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else {
          value += text[i];
          i += 1;
        }
      }
      cells.push(value);
      i += 1;
    } else {
      const end = text.indexOf(",", i);
      cells.push(end === -1 ? text.slice(i) : text.slice(i, end));
      i = end === -1 ? text.length + 1 : end + 1;
    }
  }
  return cells;
}

describe("rule 17: CSV exports escape spreadsheet formulas", () => {
  it("prefixes cells starting with = + - @ tab or CR", () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(null)).toBe("");
  });

  it("round-trips any cells through quoting, and no read-back cell starts a formula", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 6 }), (cells) => {
        const back = parseRow(csvRow(cells));
        expect(back).toHaveLength(cells.length);
        back.forEach((cell, index) => {
          const original = cells[index] as string;
          expect(cell).toBe(/^[=+\-@\t\r]/.test(original) ? `'${original}` : original);
          expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe("csvStream", () => {
  /** A keyset source of `total` numbered rows; records each call and how far the reader had read. */
  function source(total: number, batch: number) {
    const calls: { after: number | null; linesReadBefore: number }[] = [];
    let linesRead = 0;
    const fetchPage = async (after: [string, string] | null) => {
      const from = after === null ? 0 : Number(after[1]) + 1;
      calls.push({ after: after === null ? null : Number(after[1]), linesReadBefore: linesRead });
      return Array.from({ length: Math.max(0, Math.min(batch, total - from)) }, (_, i) => from + i);
    };
    const read = async (stream: NodeJS.ReadableStream) => {
      let text = "";
      for await (const chunk of stream) {
        text += chunk;
        linesRead = text.split("\r\n").length - 1;
      }
      return text;
    };
    const stream = () =>
      csvStream(
        ["n"],
        batch,
        fetchPage,
        (n) => ["t", String(n)],
        (n) => `${n}\r\n`,
      );
    return { calls, stream, read };
  }

  it("streams every row once, in order, asking for each batch after the last key streamed", async () => {
    const rows = source(2_345, 1_000);
    const lines = (await rows.read(rows.stream())).trimEnd().split("\r\n");
    expect(lines).toEqual(["n", ...Array.from({ length: 2_345 }, (_, i) => String(i))]);
    expect(rows.calls.map((call) => call.after)).toEqual([null, 999, 1_999]);
  });

  it("reads one batch ahead of what it writes, never more", async () => {
    const rows = source(5_000, 1_000);
    await rows.read(rows.stream());
    // Batch k + 1 is asked for once batch k has arrived, before its rows are written out.
    for (const [k, call] of rows.calls.entries()) {
      expect(call.linesReadBefore).toBeLessThanOrEqual(Math.max(0, (k - 1) * 1_000 + 1));
    }
    expect(rows.calls).toHaveLength(6); // the sixth finds nothing after a full fifth batch
  });

  it("stops reading when the client goes away, and drops its read-ahead without an unhandled failure", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      let calls = 0;
      let loseConnection = () => {};
      const lost = new Promise<never>((_, reject) => {
        loseConnection = () => reject(new Error("lost"));
      });
      const stream = csvStream(
        ["n"],
        1_000,
        async () => {
          calls += 1;
          // The read-ahead fails after the client has gone (a connection lost meanwhile).
          if (calls > 1) await lost;
          return Array.from({ length: 1_000 }, (_, i) => i);
        },
        (n) => ["t", String(n)],
        (n) => `${n}\r\n`,
      );
      for await (const _chunk of stream) break; // the header, then the client leaves
      expect(calls).toBe(2);
      loseConnection();
      // Node reports an unhandled rejection once the turn that rejected it ends; let two turns pass.
      for (let turn = 0; turn < 2; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
