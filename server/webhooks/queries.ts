// SQL of webhooks: endpoints (read, write, lock), the delivery worker's claim and marks, the
// delivery log and redelivery, and the queue's gauges.
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import { ADMIN_ROLE_KEY } from "../access/permissions.js";
import type { DB } from "../db/schema.js";

type Executor = Kysely<DB> | Transaction<DB>;

export const ALWAYS: RawBuilder<unknown> = sql`true`;

/**
 * The INSERT of one event's deliveries, a row for every enabled endpoint of the company subscribed
 * to its type, made only when `condition` holds. No endpoint, no row.
 */
export function insertDeliveriesWhen(
  event: { companyId: string; eventId: string; type: string; body: string; at: Date },
  condition: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`INSERT INTO webhook_deliveries
               (company_id, endpoint_id, event_id, event_type, body, created_at, next_attempt_at)
             SELECT e.company_id, e.id, ${event.eventId}, ${event.type}, ${event.body}, ${event.at}, ${event.at}
               FROM webhook_endpoints e
              WHERE e.company_id = ${event.companyId} AND e.enabled AND ${event.type} = ANY (e.events)
                AND ${condition}`;
}

export async function executeRaw(db: Executor, statement: RawBuilder<unknown>): Promise<void> {
  await statement.execute(db);
}

const ENDPOINT_COLUMNS = [
  "id",
  "company_id",
  "url",
  "description",
  "events",
  "enabled",
  "disabled_reason",
  "previous_secret_expires_at",
  "created_at",
  "updated_at",
] as const;

export type EndpointRow = {
  id: string;
  company_id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabled_reason: string | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

export function listEndpoints(db: Executor, companyId: string): Promise<EndpointRow[]> {
  return db
    .selectFrom("webhook_endpoints")
    .select(ENDPOINT_COLUMNS)
    .where("company_id", "=", companyId)
    .orderBy("created_at")
    .orderBy("id")
    .execute() as Promise<EndpointRow[]>;
}

export function countEndpoints(db: Executor, companyId: string): Promise<number> {
  return db
    .selectFrom("webhook_endpoints")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("company_id", "=", companyId)
    .executeTakeFirstOrThrow()
    .then((row) => Number(row.n));
}

/** The endpoint, locked for a change, when it belongs to the company. */
export async function lockEndpoint(
  trx: Transaction<DB>,
  companyId: string,
  endpointId: string,
): Promise<EndpointRow | undefined> {
  return (await trx
    .selectFrom("webhook_endpoints")
    .select(ENDPOINT_COLUMNS)
    .where("company_id", "=", companyId)
    .where("id", "=", endpointId)
    .forUpdate()
    .executeTakeFirst()) as EndpointRow | undefined;
}

export async function insertEndpoint(
  trx: Transaction<DB>,
  row: {
    id: string;
    companyId: string;
    url: string;
    description: string;
    events: string[];
    secretSealed: string;
    createdBy: string;
    now: Date;
  },
): Promise<void> {
  await trx
    .insertInto("webhook_endpoints")
    .values({
      id: row.id,
      company_id: row.companyId,
      url: row.url,
      description: row.description,
      events: row.events,
      secret_sealed: row.secretSealed,
      created_at: row.now,
      created_by: row.createdBy,
      updated_at: row.now,
    })
    .execute();
}

export async function updateEndpoint(
  trx: Transaction<DB>,
  endpointId: string,
  change: {
    url?: string;
    description?: string;
    events?: string[];
    enabled?: boolean;
    disabledReason?: "manual" | "failing" | null;
    now: Date;
  },
): Promise<void> {
  await trx
    .updateTable("webhook_endpoints")
    .set({
      ...(change.url !== undefined ? { url: change.url } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.events !== undefined ? { events: change.events } : {}),
      ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
      ...(change.disabledReason !== undefined ? { disabled_reason: change.disabledReason } : {}),
      updated_at: change.now,
    })
    .where("id", "=", endpointId)
    .execute();
}

/** The new secret signs from now on; the current one keeps signing until `previousExpiresAt`. */
export async function rotateEndpointSecret(
  trx: Transaction<DB>,
  endpointId: string,
  secretSealed: string,
  previousExpiresAt: Date,
  now: Date,
): Promise<void> {
  await sql`UPDATE webhook_endpoints
               SET previous_secret_sealed = secret_sealed, previous_secret_expires_at = ${previousExpiresAt},
                   secret_sealed = ${secretSealed}, updated_at = ${now}
             WHERE id = ${endpointId}`.execute(trx);
}

export async function deleteEndpoint(trx: Transaction<DB>, endpointId: string): Promise<void> {
  await trx.deleteFrom("webhook_endpoints").where("id", "=", endpointId).execute();
}

export type DeliveryRow = {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  created_at: Date;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_duration_ms: number | null;
  last_response_excerpt: string | null;
  last_error: string | null;
  delivered_at: Date | null;
  redelivery_of: string | null;
  seq: string;
};

function selectDeliveries(db: Executor) {
  return db
    .selectFrom("webhook_deliveries")
    .select([
      "id",
      "endpoint_id",
      "event_id",
      "event_type",
      "status",
      "attempts",
      "created_at",
      "next_attempt_at",
      "last_attempt_at",
      "last_status_code",
      "last_duration_ms",
      "last_response_excerpt",
      "last_error",
      "delivered_at",
      "redelivery_of",
      sql<string>`seq::text`.as("seq"),
    ]);
}

/** An endpoint's delivery log, newest first, from before `beforeSeq` when paging. */
export function listDeliveries(
  db: Executor,
  endpointId: string,
  limit: number,
  beforeSeq?: string,
): Promise<DeliveryRow[]> {
  let query = selectDeliveries(db).where("endpoint_id", "=", endpointId).orderBy("seq", "desc").limit(limit);
  if (beforeSeq !== undefined) query = query.where(sql`seq`, "<", BigInt(beforeSeq).toString());
  return query.execute() as Promise<DeliveryRow[]>;
}

export function findDelivery(db: Executor, deliveryId: string): Promise<DeliveryRow | undefined> {
  return selectDeliveries(db).where("id", "=", deliveryId).executeTakeFirst() as Promise<
    DeliveryRow | undefined
  >;
}

/**
 * Names a person who deleted their account (SPEC §6.4) by the pseudonym's address in every webhook
 * body that holds one of their addresses, in the deleting transaction: the log's, what a redelivery
 * would send, and what is still to be sent. A body is JSON, where an address is a JSON string: that
 * exact string is replaced. Every body is read (deliveries carry no account to look them up by):
 * the log holds WEBHOOK_LOG_RETENTION_DAYS of them (retention/job.ts), and a deletion is rare.
 * Returns how many deliveries were rewritten.
 */
export async function forgetAddressesInDeliveries(
  trx: Transaction<DB>,
  addresses: readonly string[],
  pseudonymAddress: string,
): Promise<number> {
  if (addresses.length === 0) return 0;
  const quoted = addresses.map((address) => JSON.stringify(address));
  // One pass over the bodies: each address replaced in turn, in every body holding any of them.
  const body = quoted.reduce<RawBuilder<string>>(
    (text, address) => sql<string>`replace(${text}, ${address}, ${JSON.stringify(pseudonymAddress)})`,
    sql<string>`body`,
  );
  const result = await sql<{ id: string }>`
    UPDATE webhook_deliveries SET body = ${body}
     WHERE ${sql.join(
       quoted.map((address) => sql`strpos(body, ${address}) > 0`),
       sql` OR `,
     )}
    RETURNING id`.execute(trx);
  return result.rows.length;
}

/** Queues the delivery's event again for its endpoint, at the end of the endpoint's queue. */
export async function insertRedelivery(
  trx: Transaction<DB>,
  companyId: string,
  deliveryId: string,
  now: Date,
): Promise<{ id: string; endpoint_id: string; event_type: string } | undefined> {
  const result = await sql<{ id: string; endpoint_id: string; event_type: string }>`
    INSERT INTO webhook_deliveries
      (company_id, endpoint_id, event_id, event_type, body, created_at, next_attempt_at, redelivery_of)
    SELECT company_id, endpoint_id, event_id, event_type, body, ${now}, ${now}, id
      FROM webhook_deliveries WHERE company_id = ${companyId} AND id = ${deliveryId}
    RETURNING id, endpoint_id, event_type`.execute(trx);
  return result.rows[0];
}

export type ClaimedDelivery = {
  id: string;
  company_id: string;
  endpoint_id: string;
  event_type: string;
  body: string;
  created_at: Date;
  attempts: number;
  url: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
};

/**
 * Claims the head of each enabled endpoint's queue when it is due, until `lockedUntil`. Only an
 * endpoint's oldest pending row is a candidate, so its events leave in order and one at a time;
 * SKIP LOCKED and the claim's `locked_until` keep other instances off it meanwhile.
 */
export async function claimDueDeliveries(
  db: Kysely<DB>,
  now: Date,
  lockedUntil: Date,
  batchSize: number,
): Promise<ClaimedDelivery[]> {
  const claimed = await sql<ClaimedDelivery>`
    WITH claimed AS (
      UPDATE webhook_deliveries d SET locked_until = ${lockedUntil}, attempts = d.attempts + 1
       WHERE d.id IN (
         SELECT h.id FROM webhook_deliveries h
           JOIN webhook_endpoints e ON e.id = h.endpoint_id AND e.enabled
          WHERE h.status = 'pending' AND h.next_attempt_at <= ${now}
            AND (h.locked_until IS NULL OR h.locked_until < ${now})
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o
                             WHERE o.endpoint_id = h.endpoint_id AND o.status = 'pending' AND o.seq < h.seq)
          ORDER BY h.next_attempt_at
          LIMIT ${batchSize}
          FOR UPDATE OF h SKIP LOCKED)
      RETURNING d.id, d.company_id, d.endpoint_id, d.event_type, d.body, d.created_at, d.attempts)
    SELECT c.*, e.url, e.secret_sealed, e.previous_secret_sealed, e.previous_secret_expires_at
      FROM claimed c JOIN webhook_endpoints e ON e.id = c.endpoint_id`.execute(db);
  return claimed.rows;
}

type AttemptRecord = {
  at: Date;
  statusCode: number | null;
  durationMs: number;
  excerpt: string;
  error: string | null;
};

function attemptColumns(attempt: AttemptRecord) {
  return {
    locked_until: null,
    last_attempt_at: attempt.at,
    last_status_code: attempt.statusCode,
    last_duration_ms: attempt.durationMs,
    last_response_excerpt: attempt.excerpt.slice(0, 1024),
    last_error: attempt.error?.slice(0, 500) ?? null,
  };
}

export async function markDelivered(db: Kysely<DB>, id: string, attempt: AttemptRecord): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({ ...attemptColumns(attempt), status: "delivered", delivered_at: attempt.at })
    .where("id", "=", id)
    .execute();
}

/** A failed attempt: tried again at `nextAttemptAt`, or failed for good when `nextAttemptAt` is null. */
export async function markAttemptFailed(
  db: Executor,
  id: string,
  attempt: AttemptRecord,
  nextAttemptAt: Date | null,
): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({
      ...attemptColumns(attempt),
      ...(nextAttemptAt ? { next_attempt_at: nextAttemptAt } : { status: "failed" }),
    })
    .where("id", "=", id)
    .execute();
}

/** Disables an endpoint whose deliveries failed for too long; false when it was already disabled. */
export async function disableFailingEndpoint(trx: Transaction<DB>, endpointId: string, now: Date) {
  const result = await trx
    .updateTable("webhook_endpoints")
    .set({ enabled: false, disabled_reason: "failing", updated_at: now })
    .where("id", "=", endpointId)
    .where("enabled", "=", true)
    .returning(["id", "company_id", "url"])
    .executeTakeFirst();
  return result;
}

/** The active Admins of a company, who are told when an endpoint is disabled. */
export function listActiveAdminEmails(db: Executor, companyId: string) {
  return db
    .selectFrom("members")
    .innerJoin("member_roles", "member_roles.member_id", "members.id")
    .innerJoin("roles", "roles.id", "member_roles.role_id")
    .innerJoin("accounts", "accounts.id", "members.account_id")
    .select(["accounts.email", "accounts.name", "accounts.language", "accounts.time_zone"])
    .where("members.company_id", "=", companyId)
    .where("members.status", "=", "active")
    .where("roles.key", "=", ADMIN_ROLE_KEY)
    .distinct()
    .execute();
}

export function findCompanyName(db: Executor, companyId: string) {
  return db.selectFrom("companies").select("name").where("id", "=", companyId).executeTakeFirst();
}

/** Deliveries waiting (pending) and the age of the oldest, for the metrics. */
export async function webhookQueueState(db: Kysely<DB>): Promise<{ pending: number; oldest: Date | null }> {
  const row = await sql<{ pending: string; oldest: Date | null }>`
    SELECT count(*)::text AS pending, min(created_at) AS oldest
      FROM webhook_deliveries WHERE status = 'pending'`.execute(db);
  const first = row.rows[0];
  return { pending: Number(first?.pending ?? 0), oldest: first?.oldest ? new Date(first.oldest) : null };
}

/** How many deliveries an endpoint's log holds, counted up to `cap` (a total never costs a scan). */
export async function countDeliveries(db: Executor, endpointId: string, cap: number): Promise<number> {
  const result = await sql<{ n: string }>`
    SELECT count(*)::text AS n FROM (SELECT 1 FROM webhook_deliveries WHERE endpoint_id = ${endpointId} LIMIT ${cap}) capped`.execute(
    db,
  );
  return Number(result.rows[0]?.n ?? 0);
}
