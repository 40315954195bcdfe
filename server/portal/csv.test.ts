// Rule 17 for CSV cells: spreadsheet formulas are neutralised and quoting round-trips.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "./csv.js";

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
