// Keeps audit_events' monthly partitions (rule 11): the current and next months exist before their
// events arrive, any month whose events landed in DEFAULT gets its partition (the events move into
// it), and months past the retention are dropped whole, each drop audited first. Run on start and
// periodically by every instance; each step is idempotent and instances take turns.
import type { Kysely } from "kysely";
import type { Clock } from "../clock.js";
import type { DB } from "../db/schema.js";
import {
  createMonthPartition,
  dropMonthPartition,
  listAuditPartitions,
  monthLabel,
  monthStart,
  monthsInDefaultPartition,
  partitionMonth,
} from "./partition-queries.js";
import { recordAudit } from "./writer.js";

/** Creates the partitions of the current and next months and of any month found in DEFAULT. */
export async function ensureAuditPartitions(db: Kysely<DB>, now: Date): Promise<string[]> {
  const months = new Map<string, Date>();
  for (const month of [...(await monthsInDefaultPartition(db)), monthStart(now), monthStart(now, 1)]) {
    months.set(monthLabel(month), month);
  }
  const created: string[] = [];
  for (const [label, month] of months) {
    if (await createMonthPartition(db, month)) created.push(label);
  }
  return created;
}

/**
 * The months whose partitions may go: a month's newest event is older than `retentionMonths`
 * months once its partition's end is that far behind the current month's start.
 */
export function monthsPastRetention(partitions: string[], now: Date, retentionMonths: number): Date[] {
  const cutoff = monthStart(now, -retentionMonths).getTime();
  return partitions
    .map(partitionMonth)
    .filter((month): month is Date => month !== undefined && monthStart(month, 1).getTime() <= cutoff);
}

/** Drops the partitions past retention, recording `audit.partition_dropped` for each first. */
export async function dropExpiredAuditPartitions(
  db: Kysely<DB>,
  now: Date,
  retentionMonths: number,
): Promise<string[]> {
  if (!Number.isInteger(retentionMonths) || retentionMonths < 12) {
    throw new Error("audit retention must be at least 12 months (rule 11)");
  }
  const dropped: string[] = [];
  for (const month of monthsPastRetention(await listAuditPartitions(db), now, retentionMonths)) {
    const label = monthLabel(month);
    const done = await dropMonthPartition(db, month, (trx) =>
      recordAudit(trx, {
        action: "audit.partition_dropped",
        outcome: "success",
        details: { month: label, retentionMonths },
        meta: { ip: null, userAgent: null, requestId: null },
        at: now,
      }),
    );
    if (done) dropped.push(label);
  }
  return dropped;
}

export async function maintainAuditPartitions(
  db: Kysely<DB>,
  now: Date,
  retentionMonths: number,
): Promise<{ created: string[]; dropped: string[] }> {
  const created = await ensureAuditPartitions(db, now);
  const dropped = await dropExpiredAuditPartitions(db, now, retentionMonths);
  return { created, dropped };
}

/** Runs maintainAuditPartitions now and then every `intervalMs`; returns the stop. */
export function startAuditPartitionJob(options: {
  db: Kysely<DB>;
  clock: Clock;
  retentionMonths: number;
  intervalMs?: number;
  onError: (error: unknown) => void;
}): { first: Promise<void>; stop: () => void } {
  const run = () =>
    maintainAuditPartitions(options.db, options.clock.now(), options.retentionMonths).then(
      () => {},
      options.onError,
    );
  const timer = setInterval(run, options.intervalMs ?? 60 * 60_000);
  timer.unref();
  return { first: run(), stop: () => clearInterval(timer) };
}
