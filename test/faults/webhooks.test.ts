// Webhooks under faults (SPEC §6.5): two real server processes sharing one PostgreSQL both run the
// delivery worker, and each event reaches its endpoint once, in order; a PostgreSQL cluster restarted
// while deliveries are in flight loses none of them. The processes run in development mode, where a
// receiver on loopback is allowed (production refuses it: test/spec-6-5-webhook-ssrf.test.ts).
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.js";
import { type Database, openDatabase } from "../../server/db/connect.js";
import { migrate } from "../../server/db/migrate.js";
import { hostResolver } from "../../server/webhooks/address-guard.js";
import { emitWebhookEvent } from "../../server/webhooks/events.js";
import { createWebhookEndpoint } from "../../server/webhooks/service.js";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "../support/databases.js";
import { type Receiver, startReceiver } from "../support/webhook-receiver.js";
import {
  postgresBinDir,
  startServerProcess,
  startThrowawayPostgres,
  stopAll,
  type ThrowawayPostgres,
  waitFor,
} from "./support/processes.js";
import { type SeededCompany, seedCompany } from "./support/seed.js";

const onPostgres = testDatabaseKinds.includes("postgres");
const DEVELOPMENT = { NODE_ENV: "development", SEED_DEMO: "false", PUBLIC_URL: "http://portal.test" };

async function addEndpoint(database: Database, company: SeededCompany, url: string) {
  const config = loadConfig(DEVELOPMENT);
  return createWebhookEndpoint(
    { db: database.db, secretKey: config.mfaSecretKey, isProduction: false, resolve: hostResolver([]) },
    {
      companyId: company.id,
      actor: { accountId: company.admin.id, email: company.admin.email },
      meta: { ip: null, userAgent: null, requestId: null },
      now: new Date(),
    },
    { url, events: ["role.created"] },
  );
}

/** Queues `count` role.created events numbered from 0, each in a transaction of its own. */
async function queueEvents(database: Database, company: SeededCompany, count: number) {
  for (let n = 0; n < count; n += 1) {
    await database.db
      .transaction()
      .execute((trx) =>
        emitWebhookEvent(trx, { companyId: company.id, type: "role.created", at: new Date(), data: { n } }),
      );
  }
}

describe.runIf(onPostgres)("webhooks under faults", () => {
  const receivers: Receiver[] = [];
  afterAll(async () => {
    await stopAll();
    for (const receiver of receivers) await receiver.close();
  });

  it("two instances deliver each event once, in order per endpoint", async () => {
    let database: TestDatabase | undefined;
    try {
      database = await openTestDatabase("postgres");
      const company = await seedCompany(database, "Two Instances Hooks Co");
      const targets = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
      receivers.push(...targets);
      for (const target of targets) await addEndpoint(database, company, target.url);
      const perEndpoint = 15;
      await queueEvents(database, company, perEndpoint);
      await Promise.all([
        startServerProcess({ ...DEVELOPMENT, DATABASE_URL: database.url! }),
        startServerProcess({ ...DEVELOPMENT, DATABASE_URL: database.url! }),
      ]);
      await waitFor(
        "every endpoint to receive every event",
        async () => targets.every((target) => target.received.length >= perEndpoint),
        60_000,
      );
      // A few more polls of both workers: nothing is sent again.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      for (const target of targets) {
        expect(target.received.map((hook) => hook.payload.data.n)).toEqual([...Array(perEndpoint).keys()]);
        expect(new Set(target.received.map((hook) => hook.payload.id)).size).toBe(perEndpoint);
      }
      const undelivered = await database.db
        .selectFrom("webhook_deliveries")
        .select("id")
        .where("status", "<>", "delivered")
        .execute();
      expect(undelivered).toEqual([]);
    } finally {
      await stopAll();
      await database?.dispose();
    }
  }, 120_000);

  it.runIf(postgresBinDir() !== null)(
    "a PostgreSQL restart mid-delivery loses no event",
    async () => {
      let cluster: ThrowawayPostgres | undefined;
      let own: Database | undefined;
      try {
        cluster = await startThrowawayPostgres();
        own = await openDatabase({ url: cluster.url, poolSize: 2 });
        await migrate(own);
        const company = await seedCompany(own, "Restart Hooks Co");
        // Slow answers keep deliveries in flight when the database goes.
        const target = await startReceiver({ delayMs: 300 });
        receivers.push(target);
        await addEndpoint(own, company, target.url);
        const count = 20;
        await queueEvents(own, company, count);
        await own.close();
        own = undefined;
        await startServerProcess({ ...DEVELOPMENT, DATABASE_URL: cluster.url });
        await waitFor("the first deliveries", async () => target.received.length >= 3, 60_000);
        cluster.stop();
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        cluster.start();
        await waitFor(
          "every event after the restart",
          async () => new Set(target.received.map((hook) => hook.payload.data.n)).size === count,
          90_000,
        );
        // At least once, and in order: the first arrival of each event follows the queue's order.
        const firstArrivals = [...new Set(target.received.map((hook) => hook.payload.data.n as number))];
        expect(firstArrivals).toEqual([...Array(count).keys()]);
        own = await openDatabase({ url: cluster.url, poolSize: 2 });
        await waitFor(
          "every delivery marked delivered",
          async () =>
            (
              await own!.db
                .selectFrom("webhook_deliveries")
                .select("id")
                .where("status", "<>", "delivered")
                .execute()
            ).length === 0,
          30_000,
        );
      } finally {
        await stopAll();
        await own?.close();
        cluster?.destroy();
      }
    },
    180_000,
  );
});
