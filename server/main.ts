// Process entry: configuration → database (migrated) → demo data → app → listen,
// and a graceful stop on SIGTERM/SIGINT that drains in-flight requests first.
import v8 from "node:v8";
import { buildApp } from "./app.js";
import { startAuditPartitionJob } from "./audit/partitions.js";
import { systemClock } from "./clock.js";
import { ConfigError, loadConfig } from "./config.js";
import { openDatabase } from "./db/connect.js";
import { lockDataDir } from "./db/data-dir-lock.js";
import { migrate } from "./db/migrate.js";
import { seedDemoIfEmpty } from "./demo/seed.js";
import { startGovernanceJobs } from "./governance/jobs.js";
import { expireOverdueInvitations } from "./invitations/service.js";
import { MailDispatcher } from "./mail/dispatcher.js";
import { embeddedTransport, smtpTransport } from "./mail/transport.js";
import { REDIS_CLIENT_OPTIONS } from "./ratelimit/redis-fallback.js";
import { RetentionJob } from "./retention/job.js";
import { hostResolver } from "./webhooks/address-guard.js";
import { WebhookDispatcher } from "./webhooks/dispatcher.js";
import { WebhookMetrics } from "./webhooks/metrics.js";
import { webhookSender } from "./webhooks/sender.js";

// V8 lets the old generation grow to about four times the live heap before a full collection. This
// server's live heap is small but some answers (a large CSV export) promote many short-lived rows,
// so its memory would swing by several times the live heap in garbage. At 1.4 times, the
// collections come sooner, stay incremental and cheap, and the footprint stays flat.
v8.setFlagsFromString("--heap-growing-percent=40");
// V8 allocates objects straight into the old generation from places whose objects it saw survive a
// young collection. Here those are the rows of a query caught in flight: the rows then sat in the old
// generation holding each request's newer objects, so every young collection kept and promoted them
// (a fifth of what a member page allocates; pauses of 5-14 ms) until a full collection. Off, a young
// collection keeps only what is in flight (the README's performance section has the measurements).
v8.setFlagsFromString("--no-allocation-site-pretenuring");

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const unlock = config.databaseUrl ? () => {} : lockDataDir(config.dataDir, "the portal server");
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  await migrate(database);
  // ioredis is loaded only when Redis is configured.
  const redis = config.redisUrl
    ? new (await import("ioredis")).Redis(config.redisUrl, REDIS_CLIENT_OPTIONS)
    : null;
  // Failures are logged by the limiters, once per outage (ioredis would emit one per reconnection).
  redis?.on("error", () => {});
  // The first requests should find Redis connected, but a Redis that is down must not stop the start.
  if (redis) await redisReadyOrTimeout(redis, 2_000);

  const webhookMetrics = new WebhookMetrics();
  const app = await buildApp({ database, config, clock: systemClock, redis, webhookMetrics });
  // This month's and next month's audit partitions exist before the first request; past retention,
  // whole months are dropped (rule 11).
  const auditPartitions = startAuditPartitionJob({
    db: database.db,
    clock: systemClock,
    retentionMonths: config.auditRetentionMonths,
    onError: (error) =>
      app.log.warn({ err: { message: (error as Error)?.message } }, "audit partition maintenance failed"),
  });
  await auditPartitions.first;
  const transport = config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom) : embeddedTransport();
  const dispatcher = new MailDispatcher({
    db: database.db,
    transport,
    clock: systemClock,
    onError: (error) =>
      app.log.warn({ err: { message: (error as Error)?.message } }, "mail delivery failed; will retry"),
  });

  // Every instance delivers webhooks; the claim keeps them from sending one event twice.
  const webhooks = new WebhookDispatcher({
    db: database.db,
    clock: systemClock,
    secretKey: config.mfaSecretKey,
    metrics: webhookMetrics,
    send: webhookSender({ resolve: hostResolver(config.dnsServers ?? []), guard: config.isProduction }),
    onError: (error) =>
      app.log.warn({ err: { message: (error as Error)?.message } }, "webhook delivery round failed"),
  });

  if (config.seedDemo) {
    const demo = await seedDemoIfEmpty(database.db, systemClock.now(), undefined, config.demoTransactions);
    if (demo) {
      const lines = demo.map((c) => `  ${c.roleKey.padEnd(15)} ${c.email.padEnd(38)} ${c.password}`);
      console.log(
        [
          "",
          "Demo company created. These passwords are shown once and stored only as hashes:",
          ...lines,
          `Log in at ${config.publicUrl} as the admin above.`,
          "",
        ].join("\n"),
      );
    }
  }

  // Mails that left and webhook deliveries that are over are kept for their retention, then deleted.
  const retention = new RetentionJob({
    db: database.db,
    clock: systemClock,
    settings: { mailDays: config.mailRetentionDays, webhookLogDays: config.webhookLogRetentionDays },
    onError: (error) => app.log.warn({ err: { message: (error as Error)?.message } }, "retention failed"),
  });

  let stopping = false;
  let sweep: NodeJS.Timeout | undefined;
  let governance: NodeJS.Timeout | undefined;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down: draining requests");
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    clearInterval(sweep);
    clearInterval(governance);
    auditPartitions.stop();
    await app.close();
    await dispatcher.stop();
    await webhooks.stop();
    await retention.stop();
    transport.close();
    await database.close();
    redis?.disconnect();
    unlock();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  const address = await app.listen({ port: config.port, host: config.host });
  dispatcher.start();
  webhooks.start();
  retention.start();
  // Overdue invitations are expired when seen; this sweep also expires (and audits) the unseen.
  sweep = setInterval(() => {
    expireOverdueInvitations(database.db, systemClock.now()).catch((error) =>
      app.log.warn({ err: { message: (error as Error)?.message } }, "invitation expiry sweep failed"),
    );
  }, 5 * 60_000);
  sweep.unref();
  // Expiring roles and inactivity (SPEC §6.4): on every instance, each change made once.
  governance = startGovernanceJobs(
    database.db,
    () => systemClock.now(),
    (error) => app.log.warn({ err: { message: (error as Error)?.message } }, "governance jobs failed"),
  );
  console.log(
    `Portal listening on ${address}; open ${config.publicUrl} (PUBLIC_URL: the only origin allowed to change state), database ${database.kind}`,
  );
}

async function redisReadyOrTimeout(redis: import("ioredis").Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    redis.once("ready", done);
    function done() {
      clearTimeout(timer);
      redis.off("ready", done);
      resolve();
    }
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
