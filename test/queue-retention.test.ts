// The queues' history is kept for a retention, not forever: a mail that left the outbox (sent, or
// failed for good) after MAIL_RETENTION_DAYS, a webhook delivery that is over after
// WEBHOOK_LOG_RETENTION_DAYS; one still waiting never goes.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { enqueueMail } from "../server/mail/outbox.js";
import { markMailFailed, markMailsSent } from "../server/mail/queries.js";
import { pruneOnce, RetentionJob } from "../server/retention/job.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const DAY = 24 * 60 * 60_000;
const SETTINGS = { mailDays: 30, webhookLogDays: 30 };

describe.each(testDatabaseKinds)("the outbox's and the webhook log's retention on %s", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  let endpointId: string;
  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Retention Co");
    const developer = await h.login((await h.member(company, ["developer"])).email);
    await h.elevate(developer, company.id);
    const created = await h.inject(developer, {
      method: "POST",
      url: `/api/companies/${company.id}/webhooks`,
      payload: { url: "http://127.0.0.1:9/hooks", events: ["role.created"] },
    });
    expect(created.statusCode, created.body).toBe(201);
    endpointId = created.json().id;
  });
  afterAll(() => h?.close());

  const ago = (days: number) => new Date(h.clock.now().getTime() - days * DAY);

  /** A mail made `days` ago, then sent, failed for good, or left waiting. */
  async function mail(days: number, outcome: "sent" | "failed" | "pending"): Promise<string> {
    const id = await enqueueMail(
      h.db,
      {
        kind: "retention_test",
        to: `r${Math.random().toString(36).slice(2)}@example.com`,
        mail: { subject: "Retention", text: "a body", html: "<p>a body</p>" },
        isSensitive: false,
      },
      ago(days),
    );
    if (outcome === "sent") await markMailsSent(h.db, [{ id, sentAt: ago(days), wipeBody: false }]);
    if (outcome === "failed")
      await markMailFailed(h.db, id, { gaveUp: true, error: "550 no such user", nextAttemptAt: ago(days) });
    return id;
  }

  /** A delivery made `days` ago, delivered, failed for good or waiting; a redelivery of `of`. */
  async function delivery(days: number, status: "delivered" | "failed" | "pending", of?: string) {
    const result = await sql<{ id: string }>`
      INSERT INTO webhook_deliveries
        (company_id, endpoint_id, event_id, event_type, body, created_at, next_attempt_at, status,
         delivered_at, redelivery_of)
      VALUES (${company.id}, ${endpointId}, gen_random_uuid(), 'role.created', '{}', ${ago(days)},
              ${ago(days)}, ${status}, ${status === "delivered" ? ago(days) : null}, ${of ?? null})
      RETURNING id`.execute(h.db);
    return result.rows[0]!.id;
  }

  async function mailsLeft(ids: string[]): Promise<string[]> {
    const rows = await h.db.selectFrom("mail_outbox").select("id").where("id", "in", ids).execute();
    return rows.map((row) => row.id).sort();
  }

  it("deletes a mail that left the outbox past MAIL_RETENTION_DAYS, and never one still waiting", async () => {
    const sentOld = await mail(31, "sent");
    const failedOld = await mail(31, "failed");
    const sentRecent = await mail(29, "sent");
    const waitingOld = await mail(60, "pending");
    expect(await pruneOnce(h.db, h.clock.now(), SETTINGS)).toBe(false);
    expect(await mailsLeft([sentOld, failedOld, sentRecent, waitingOld])).toEqual(
      [sentRecent, waitingOld].sort(),
    );
    // A shorter retention reaches the recent one too, never the waiting one.
    expect(await pruneOnce(h.db, h.clock.now(), { ...SETTINGS, mailDays: 1 })).toBe(false);
    expect(await mailsLeft([sentRecent, waitingOld])).toEqual([waitingOld]);
  });

  it("deletes a webhook delivery that is over past WEBHOOK_LOG_RETENTION_DAYS; its redelivery and a waiting one stay", async () => {
    const deliveredOld = await delivery(31, "delivered");
    const failedOld = await delivery(31, "failed");
    const waitingOld = await delivery(40, "pending");
    const deliveredRecent = await delivery(29, "delivered");
    const redelivery = await delivery(2, "delivered", deliveredOld);
    expect(await pruneOnce(h.db, h.clock.now(), SETTINGS)).toBe(false);
    const left = await h.db
      .selectFrom("webhook_deliveries")
      .select(["id", "redelivery_of"])
      .where("id", "in", [deliveredOld, failedOld, waitingOld, deliveredRecent, redelivery])
      .orderBy("seq")
      .execute();
    expect(left).toEqual([
      { id: waitingOld, redelivery_of: null },
      { id: deliveredRecent, redelivery_of: null },
      { id: redelivery, redelivery_of: null },
    ]);
    // The endpoint's delivery log shows what is left.
    const developer = await h.login((await h.member(company, ["developer"])).email);
    const log = await h.inject(developer, {
      url: `/api/companies/${company.id}/webhooks/${endpointId}/deliveries?limit=100`,
    });
    expect(log.statusCode, log.body).toBe(200);
    const listed = (log.json().items as { id: string }[]).map((item) => item.id);
    expect(listed).not.toContain(deliveredOld);
    expect(listed).not.toContain(failedOld);
    expect(listed).toEqual(expect.arrayContaining([waitingOld, deliveredRecent, redelivery]));
  });

  it("goes through a backlog batch after batch at once after its start, and stops", async () => {
    const old = await Promise.all(Array.from({ length: 5 }, () => mail(45, "sent")));
    const job = new RetentionJob({
      db: h.db,
      clock: h.clock,
      settings: SETTINGS,
      batch: 2,
      intervalMs: 60 * 60_000,
    });
    job.start();
    // Three batches (2, 2, 1) with an hour between polls: only "at once after a full batch" gets there.
    await vi.waitFor(async () => expect(await mailsLeft(old)).toEqual([]), { timeout: 10_000, interval: 20 });
    await job.stop();
  });
});
