// Reading an invitation CSV (SPEC §6.4): RFC 4180 fields, an optional header, one row per person
// with an email and optionally role names. Parsing only; the rules are the single invitation's.

/** At most this many people per file; a longer file is refused whole, before anything is sent. */
export const MAX_IMPORT_ROWS = 500;

/** One data row as written: the email cell and the role names of its roles cell (may be none). */
export type ImportRow = { line: number; email: string; roleNames: string[] };

/** Role names in one cell are separated by ";" or "|" (a comma would need quoting). */
const ROLE_SEPARATOR = /[;|]/;

/** The fields of every record of an RFC 4180 text; quoted fields may hold commas, quotes and newlines. */
function records(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else quoted = false;
      } else {
        if (char === "\n") line += 1;
        field += char;
      }
      continue;
    }
    if (char === '"' && field === "") quoted = true;
    else if (char === ",") {
      fields.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i += 1;
      fields.push(field);
      out.push({ line: recordLine, fields });
      fields = [];
      field = "";
      line += 1;
      recordLine = line;
    } else field += char;
  }
  if (field !== "" || fields.length > 0) {
    fields.push(field);
    out.push({ line: recordLine, fields });
  }
  return out;
}

/**
 * The data rows of an invitation CSV: blank lines skipped, a first row with a cell reading "email"
 * taken as the header (its "roles" column, if any, is where role names are read).
 * Without a header the first column is the email and the second the roles.
 */
export function parseInvitationCsv(text: string): ImportRow[] {
  const all = records(text.replace(/^\uFEFF/, "")).filter((record) =>
    record.fields.some((cell) => cell.trim() !== ""),
  );
  let emailColumn = 0;
  let rolesColumn: number | null = 1;
  const names = all[0]?.fields.map((cell) => cell.trim().toLowerCase()) ?? [];
  if (names.includes("email")) {
    emailColumn = names.indexOf("email");
    const roles = names.findIndex((name) => name === "roles" || name === "role");
    rolesColumn = roles >= 0 ? roles : null;
    all.shift();
  }
  return all.map((record) => ({
    line: record.line,
    email: (record.fields[emailColumn] ?? "").trim(),
    roleNames:
      rolesColumn === null
        ? []
        : (record.fields[rolesColumn] ?? "")
            .split(ROLE_SEPARATOR)
            .map((name) => name.trim())
            .filter((name) => name !== ""),
  }));
}
