// The invitation CSV reader (SPEC §6.4): RFC 4180 quoting, an optional header, role names per row.
import { describe, expect, it } from "vitest";
import { parseInvitationCsv } from "./csv-import.js";

describe("parseInvitationCsv", () => {
  it("reads a header's email and roles columns in any order, skipping blank lines", () => {
    const rows = parseInvitationCsv(
      "\uFEFFname,Roles,EMAIL\r\nAna,Finance; Operations,ana@example.com\r\n\r\nBo,,bo@example.com\r\n",
    );
    expect(rows).toEqual([
      { line: 2, email: "ana@example.com", roleNames: ["Finance", "Operations"] },
      { line: 4, email: "bo@example.com", roleNames: [] },
    ]);
  });

  it("reads quoted fields with commas, quotes and newlines, and counts lines as written", () => {
    const rows = parseInvitationCsv(
      '"a@example.com","Data Analytics|Developer"\n"=cmd|\' /C calc\'!A0","x ""y""\nz"\nc@example.com',
    );
    expect(rows).toEqual([
      { line: 1, email: "a@example.com", roleNames: ["Data Analytics", "Developer"] },
      { line: 2, email: "=cmd|' /C calc'!A0", roleNames: ['x "y"\nz'] },
      { line: 4, email: "c@example.com", roleNames: [] },
    ]);
  });
});
