// An app on a fresh database with a movable clock, plus the fixtures integration tests share:
// companies, accounts with roles, logging in, and reading cookies off responses.
import type { LightMyRequestResponse } from "fastify";
import { PREDEFINED_ROLES, type PredefinedRoleKey } from "../../server/access/permissions.js";
import { type App, buildApp, sessionCookieName } from "../../server/app.js";
import { createAccount } from "../../server/auth/accounts.js";
import { manualClock } from "../../server/clock.js";
import { addMember, createCompany } from "../../server/companies/service.js";
import { loadConfig } from "../../server/config.js";
import { memoryThrottleStore } from "../../server/ratelimit/throttle-store.js";
import { openTestDatabase, type TestDatabase, type TestDatabaseKind } from "./databases.js";
import { elevateSession } from "./elevation.js";

export const TEST_PASSWORD = "correct horse battery staple 42";

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export async function createHarness(
  kind: TestDatabaseKind,
  options: {
    env?: Record<string, string>;
    limits?: { loginPerMinute?: number; passwordResetPerMinute?: number; invitationLinkPerMinute?: number };
    logStream?: NodeJS.WritableStream;
  } = {},
) {
  const database: TestDatabase = await openTestDatabase(kind);
  const config = loadConfig({ NODE_ENV: "test", PUBLIC_URL: "http://portal.test", ...options.env });
  const clock = manualClock(new Date("2026-03-02T09:00:00Z"));
  const throttle = memoryThrottleStore();
  const app: App = await buildApp({
    database,
    config,
    clock,
    throttle,
    webDistDir: "/nonexistent",
    ...(options.logStream ? { logStream: options.logStream } : {}),
    limits: {
      loginPerMinute: 10_000,
      passwordResetPerMinute: 10_000,
      invitationLinkPerMinute: 10_000,
      ...options.limits,
    },
  });
  await app.ready();
  const cookieName = sessionCookieName(config);
  let counter = 0;
  const otherInstances: App[] = [];

  const harness = {
    kind,
    app,
    database,
    db: database.db,
    config,
    clock,
    cookieName,

    async close() {
      for (const other of otherInstances) await other.close();
      await app.close();
      await database.dispose();
    },

    /**
     * Another instance of the app on the same database, clock and settings, as behind a load
     * balancer (its own rate-limit counts), reaching the database through `db` when given (a handle
     * with a plugin that records statements); closed with the harness.
     */
    async anotherInstance(db = database.db): Promise<App> {
      const other = await buildApp({
        database: { ...database, db },
        config,
        clock,
        throttle: memoryThrottleStore(),
        webDistDir: "/nonexistent",
      });
      await other.ready();
      otherInstances.push(other);
      return other;
    },

    /** Creates an account (not a member of anything yet). */
    async account(email?: string, name = "Test Person") {
      counter += 1;
      const address = email ?? `person${counter}.${Date.now().toString(36)}@example.com`;
      return database.db
        .transaction()
        .execute((trx) =>
          createAccount(trx, { email: address, name, password: TEST_PASSWORD, now: clock.now() }),
        );
    },

    /** A company with a first Admin; returns ids and the admin's account. */
    async company(name = "Acme Payments") {
      const admin = await harness.account(undefined, `${name} Admin`);
      const company = await createCompany(database.db, {
        company: { name, legalName: `${name} Pte Ltd` },
        firstAdminAccountId: admin.id,
        actor: null,
        meta: { ip: null, userAgent: null, requestId: null },
        now: clock.now(),
      });
      return {
        id: company.companyId,
        roleIds: company.roleIds,
        admin: { ...admin, memberId: company.adminMemberId! },
      };
    },

    /** Adds a new account to a company with the given predefined roles. */
    async member(
      company: { id: string; roleIds: Record<PredefinedRoleKey, string> },
      roles: PredefinedRoleKey[],
    ) {
      const account = await harness.account(undefined, `Member ${roles.join("+")}`);
      const memberId = await database.db.transaction().execute((trx) =>
        addMember(trx, {
          companyId: company.id,
          accountId: account.id,
          roleIds: roles.map((key) => company.roleIds[key]),
          invitedBy: null,
          now: clock.now(),
        }),
      );
      return { ...account, memberId };
    },

    /**
     * Marks a session as having passed an email verification just now (rule 7) in every company of
     * its account, or in `companyId` only, for tests of what step-up guards. The verification flow
     * itself is tested in rule-07-step-up.test.ts.
     */
    async elevate(cookie: string, companyId?: string): Promise<void> {
      await elevateSession(database.db, cookie, new Date(clock.now().getTime() + 10 * 60_000), companyId);
    },

    /**
     * Passes a real email verification in `companyId` (or, without one, for account-level changes):
     * asks for a code, reads it from the outbox, verifies.
     */
    async stepUpByEmail(cookie: string, companyId?: string): Promise<string> {
      const issued = await harness.inject(cookie, {
        method: "POST",
        url: "/api/verification/step-up",
        payload: companyId === undefined ? {} : { companyId },
      });
      if (issued.statusCode !== 201) throw new Error(`step-up failed: ${issued.statusCode} ${issued.body}`);
      const mail = await database.db
        .selectFrom("mail_outbox")
        .select("text_body")
        .orderBy("seq", "desc")
        .limit(1)
        .executeTakeFirstOrThrow();
      const code = /\bis (\d{6})\b/.exec(mail.text_body)?.[1];
      const verified = await harness.inject(cookie, {
        method: "POST",
        url: `/api/verification/step-up/${issued.json().challengeId}/verify`,
        payload: { code },
      });
      if (verified.statusCode !== 200)
        throw new Error(`verify failed: ${verified.statusCode} ${verified.body}`);
      return harness.sessionCookie(verified) ?? cookie;
    },

    async login(email: string, password = TEST_PASSWORD): Promise<string> {
      const response = await app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email, password },
      });
      if (response.statusCode !== 200)
        throw new Error(`login failed: ${response.statusCode} ${response.body}`);
      return harness.sessionCookie(response)!;
    },

    sessionCookie(response: LightMyRequestResponse): string | undefined {
      return response.cookies.find((c) => c.name === cookieName && c.value !== "")?.value;
    },

    /** A request as the holder of a session cookie. */
    inject(
      cookie: string | null,
      request: { method?: string; url: string; payload?: unknown; headers?: Record<string, string> },
    ) {
      return app.inject({
        method: (request.method ?? "GET") as "GET",
        url: request.url,
        ...(request.payload !== undefined ? { payload: request.payload as object } : {}),
        headers: { ...(request.headers ?? {}), ...(cookie ? { cookie: `${cookieName}=${cookie}` } : {}) },
      });
    },
  };
  return harness;
}

export const ALL_ROLE_KEYS: PredefinedRoleKey[] = PREDEFINED_ROLES.map((r) => r.key);
