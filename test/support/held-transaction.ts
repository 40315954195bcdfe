// Interleavings made certain, on PostgreSQL: a transaction held open once its work is done, and a wait
// until another session is blocked on that transaction's locks (pg_blocking_pids). No sleeping.
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../../server/db/schema.js";

export type HeldTransaction<T> = {
  /** What the work returned, once it ran; the transaction is still open. */
  reached: Promise<T>;
  /** Lets the transaction commit; `done` settles when it has. */
  release(): void;
  done: Promise<void>;
  /**
   * Resolves once another session waits for a lock this transaction holds. Fails if `other` (the
   * operation expected to wait) settles first: it did not wait, so the ordering under test never happened.
   */
  blocks(other: Promise<unknown>, what: string): Promise<void>;
};

const POLL_MS = 10;
const GIVE_UP_MS = 30_000;

/**
 * Makes the held transaction the side PostgreSQL never cancels when it and the operation under test
 * wait for each other: the other's deadlock check (after the server's 1 s) always comes first, so a
 * deadlock fails the operation, not the test's own transaction. Needs a superuser, as CI's is.
 */
export async function outlastDeadlocks(trx: Transaction<DB>): Promise<void> {
  await sql`SET LOCAL deadlock_timeout = '20s'`.execute(trx);
}

/** Runs `work` in a transaction of its own connection and keeps the transaction open until released. */
export function holdTransaction<T>(
  db: Kysely<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
): HeldTransaction<T> {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let pid: number | undefined;
  let reachedResolve: (value: T) => void = () => {};
  let reachedReject: (error: unknown) => void = () => {};
  const reached = new Promise<T>((resolve, reject) => {
    reachedResolve = resolve;
    reachedReject = reject;
  });
  const done = db
    .transaction()
    .execute(async (trx) => {
      const row = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
      pid = row.rows[0]!.pid;
      reachedResolve(await work(trx));
      await held;
    })
    .catch((error) => {
      reachedReject(error);
      throw error;
    });

  async function blocks(other: Promise<unknown>, what: string): Promise<void> {
    await reached;
    let settled = false;
    const watched = other.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    const deadline = Date.now() + GIVE_UP_MS;
    for (;;) {
      const waiting = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${pid} = ANY (pg_blocking_pids(pid))`.execute(
        db,
      );
      if (waiting.rows[0]!.n > 0) return;
      if (settled) throw new Error(`${what} finished without waiting for the held transaction`);
      if (Date.now() > deadline) throw new Error(`${what} never waited for the held transaction`);
      await Promise.race([watched, new Promise((resolve) => setTimeout(resolve, POLL_MS))]);
    }
  }

  return {
    reached,
    release: () => release(),
    done,
    blocks,
  };
}
