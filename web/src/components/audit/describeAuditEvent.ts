// An audit event's details, target and actor as compact text for the log's table. The details are
// whatever the server recorded (names chosen by users among them), so they only ever become text.
import { isUuid } from "../../../../server/ids";

const MAX_DETAILS_LENGTH = 240;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A role list ([{id,key,name}]) reads as its names; other values as short text. */
function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "none";
    return value
      .map((item) => (isRecord(item) && typeof item.name === "string" ? item.name : formatValue(item)))
      .join(", ");
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    // {roles:[…]} or {status:"active"}: the one value says it all.
    if (entries.length === 1 && entries[0] !== undefined) return formatValue(entries[0][1]);
    return `{${entries.map(([key, inner]) => `${key}: ${formatValue(inner)}`).join(", ")}}`;
  }
  return String(value);
}

/** Ids say little at a glance; the expanded row shows them. */
function isIdentifier(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every(isIdentifier);
  return isUuid(value);
}

/** "roles: Finance → Admin; email: fiona@example.com; sessionsEnded: 0" (ids left out). */
export function describeAuditDetails(details: Record<string, unknown>): string {
  const parts: string[] = [];
  const { before, after, ...rest } = details;
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) parts.push(`${key}: ${formatValue(before[key])} → ${formatValue(after[key])}`);
  } else {
    if (before !== undefined) parts.push(`before: ${formatValue(before)}`);
    if (after !== undefined) parts.push(`after: ${formatValue(after)}`);
  }
  for (const [key, value] of Object.entries(rest)) {
    if (!isIdentifier(value)) parts.push(`${key}: ${formatValue(value)}`);
  }
  const text = parts.join("; ");
  return text.length > MAX_DETAILS_LENGTH ? `${text.slice(0, MAX_DETAILS_LENGTH - 1)}…` : text;
}

/** "member fiona@example.com" when the details name the target's email, else its type and short id. */
export function describeAuditTarget(
  target: { type: string; id: string } | null,
  details: Record<string, unknown>,
): string {
  if (target === null) return "—";
  const email = typeof details.email === "string" ? details.email : null;
  return email === null ? `${target.type} ${target.id.slice(0, 8)}` : `${target.type} ${email}`;
}

export function describeAuditActor(actor: { accountId: string; email: string | null } | null): string {
  if (actor === null) return "System";
  return actor.email ?? `account ${actor.accountId.slice(0, 8)}`;
}
