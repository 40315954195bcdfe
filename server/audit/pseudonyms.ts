// Pseudonymising a deleted account in the audit log (SPEC §6.4, rule 11): the events stay, their
// email and name become "Deleted user 7f3a9c21", the same in every row, so the trail still reads.
import type { Transaction } from "kysely";
import { likePattern } from "../db/like-pattern.js";
import type { DB } from "../db/schema.js";
import { findPersonalAuditRows, type PersonalAuditRow, rewritePersonalAuditRows } from "./queries.js";

/**
 * The stand-in for a deleted person: from their account id (random, and gone with the account), so
 * every event of one person reads as one person, and nobody can be looked up by it.
 */
export function pseudonymOf(accountId: string): string {
  return `Deleted user ${pseudonymKey(accountId)}`;
}

/**
 * The same stand-in where a column holds an email address (a mail's recipient, an invitation's
 * address): an address of the reserved `.invalid` domain (RFC 2606), which no mail can reach.
 */
export function pseudonymAddressOf(accountId: string): string {
  return `deleted-user-${pseudonymKey(accountId)}@deleted.invalid`;
}

function pseudonymKey(accountId: string): string {
  return accountId.replaceAll("-", "").slice(0, 8).toLowerCase();
}

export type DeletedPerson = {
  accountId: string;
  /** The primary and the alternate email (canonical, lower case). */
  emails: readonly string[];
  name: string;
  /** The person's memberships: events done to them name these as target. */
  memberIds: readonly string[];
};

// Under keys like these, a string equal to the person's name is a role's or a company's (a person
// named "Finance"), not the person's: it stays.
const NOT_A_PERSON = /role|permission|company/i;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The value with every mention of the person replaced by the pseudonym, at any depth. */
function withoutPerson(
  value: unknown,
  person: DeletedPerson,
  pseudonym: string,
  isPersonKey: boolean,
): unknown {
  if (typeof value === "string") {
    const lower = value.toLowerCase();
    if (person.emails.some((email) => lower === email)) return pseudonym;
    let text = value;
    for (const email of person.emails) {
      if (lower.includes(email)) text = text.replace(new RegExp(escapeRegExp(email), "gi"), pseudonym);
    }
    if (isPersonKey && text === person.name) return pseudonym;
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => withoutPerson(item, person, pseudonym, isPersonKey));
  if (value && typeof value === "object") {
    const clean: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      clean[key] = withoutPerson(inner, person, pseudonym, isPersonKey && !NOT_A_PERSON.test(key));
    }
    return clean;
  }
  return value;
}

/**
 * Rewrites every audit event naming the person, in the deleting transaction: the actor email and
 * any email or name in the details become the pseudonym. Returns how many events were rewritten.
 */
export async function pseudonymizeAuditTrail(trx: Transaction<DB>, person: DeletedPerson): Promise<number> {
  const pseudonym = pseudonymOf(person.accountId);
  const emails = person.emails.map((email) => email.toLowerCase());
  const candidates = await findPersonalAuditRows(trx, {
    accountId: person.accountId,
    targetIds: [person.accountId, ...person.memberIds],
    emails,
    emailPatterns: emails.map((email) => likePattern(email, "substring")),
  });
  const changed: PersonalAuditRow[] = [];
  for (const row of candidates) {
    const actorEmail =
      row.actor_email !== null && emails.includes(row.actor_email.toLowerCase())
        ? pseudonym
        : row.actor_email;
    const details = withoutPerson(row.details, { ...person, emails }, pseudonym, true);
    if (actorEmail !== row.actor_email || JSON.stringify(details) !== JSON.stringify(row.details)) {
      changed.push({ ...row, actor_email: actorEmail, details });
    }
  }
  await rewritePersonalAuditRows(trx, changed);
  return changed.length;
}
