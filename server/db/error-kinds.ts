// What a database error means to the code that catches it: the SQLSTATE codes PostgreSQL and PGlite
// report, named once. https://www.postgresql.org/docs/current/errcodes-appendix.html

const UNIQUE_VIOLATION = "23505";
const DUPLICATE_TABLE = "42P07";

/** Did a statement fail on a unique constraint or index (a row like it exists already)? */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

/**
 * Did creating a table fail because another session made it first (the table, or the catalogue row
 * behind its name)?
 */
export function isDuplicateTable(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === DUPLICATE_TABLE || isUniqueViolation(error);
}
