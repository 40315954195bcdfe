// A real server for the attack suite: the app listening on 127.0.0.1 over a fresh database, spoken to
// with fetch like any client. The database is read directly only to check what changed and what the
// audit log recorded; fixtures (companies, accounts) are made through the server's own functions.
import { Writable } from "node:stream";
import { sql } from "kysely";
import type { PredefinedRoleKey } from "../../../server/access/permissions.js";
import { createSession, sessionPolicyOf } from "../../../server/access/session-queries.js";
import { type App, buildApp, sessionCookieName } from "../../../server/app.js";
import { createAccount } from "../../../server/auth/accounts.js";
import type { Clock } from "../../../server/clock.js";
import { addMember, createCompany } from "../../../server/companies/service.js";
import { loadConfig } from "../../../server/config.js";
import { memoryThrottleStore } from "../../../server/ratelimit/throttle-store.js";
import { openTestDatabase, type TestDatabase, type TestDatabaseKind } from "../../support/databases.js";
import { elevateSession } from "../../support/elevation.js";
import { TEST_PASSWORD } from "../../support/harness.js";
import { statementLog } from "../../support/statement-log.js";
import { type StateSnapshot, snapshotState } from "./state.js";

export { TEST_PASSWORD };
export const PUBLIC_URL = "http://portal.test";

/** Real time plus an offset the tests can move forward (expiry without sleeping). */
export type ShiftingClock = Clock & { advance(ms: number): void };

function shiftingClock(): ShiftingClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
  };
}

export type HttpResponse = {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field in the tests
  body: any;
};

export type RequestOptions = {
  json?: unknown;
  /** A raw body sent as is (with the content type given in headers, if any). */
  raw?: string;
  headers?: Record<string, string>;
};

/** One client with its own session cookie, as a browser tab would hold it. */
export class Client {
  cookie: string | null = null;

  constructor(
    readonly baseUrl: string,
    readonly cookieName: string,
  ) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] ??= "application/json";
    } else if (options.raw !== undefined) {
      body = options.raw;
    }
    if (this.cookie && headers.cookie === undefined) headers.cookie = `${this.cookieName}=${this.cookie}`;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      redirect: "manual",
    });
    const text = await response.text();
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const [name, value = ""] = pair.split("=");
      if (name?.trim() === this.cookieName) this.cookie = value === "" ? null : value;
    }
    let parsed: unknown = null;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  get(path: string, options?: RequestOptions) {
    return this.request("GET", path, options);
  }
  post(path: string, json: unknown = {}, options: RequestOptions = {}) {
    return this.request("POST", path, { ...options, json });
  }
  put(path: string, json: unknown, options: RequestOptions = {}) {
    return this.request("PUT", path, { ...options, json });
  }
  patch(path: string, json: unknown, options: RequestOptions = {}) {
    return this.request("PATCH", path, { ...options, json });
  }
  delete(path: string, options?: RequestOptions) {
    return this.request("DELETE", path, options);
  }
}

export type Company = {
  id: string;
  name: string;
  roleIds: Record<PredefinedRoleKey, string>;
  admin: { id: string; email: string; memberId: string };
};
export type Person = { id: string; email: string; memberId: string };

type ServerOptions = {
  env?: Record<string, string>;
  limits?: { loginPerMinute?: number; passwordResetPerMinute?: number; invitationLinkPerMinute?: number };
  /** Serve a second app over the database of another live server (e.g. with other limits). */
  database?: TestDatabase;
};

let counter = 0;
/** An address no earlier run used: fixtures never collide across files, databases and runs. */
export function uniqueEmail(prefix = "person"): string {
  counter += 1;
  return `${prefix}.${counter}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

export async function startLiveServer(kind: TestDatabaseKind, options: ServerOptions = {}) {
  const database = options.database ?? (await openTestDatabase(kind));
  const ownsDatabase = options.database === undefined;
  const config = loadConfig({ NODE_ENV: "test", PUBLIC_URL, ...options.env });
  const clock = shiftingClock();
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(...String(chunk).split("\n").filter(Boolean));
      callback();
    },
  });
  // What the app sends to the database, for scenarios that compare two paths statement by statement.
  const statements = statementLog();
  const app: App = await buildApp({
    database: { ...database, db: database.db.withPlugin(statements.plugin) },
    config,
    clock,
    webDistDir: "/nonexistent",
    logStream,
    limits: {
      loginPerMinute: 10_000,
      passwordResetPerMinute: 10_000,
      invitationLinkPerMinute: 10_000,
      ...options.limits,
    },
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const cookieName = sessionCookieName(config);
  const db = database.db;

  const server = {
    kind,
    app,
    url: baseUrl,
    port: address.port,
    database,
    db,
    config,
    clock,
    cookieName,
    logLines,
    statements,

    async close() {
      await app.close();
      if (ownsDatabase) await database.dispose();
    },

    client(): Client {
      return new Client(baseUrl, cookieName);
    },

    /** Logs in over HTTP; returns a client holding the new session. */
    async login(email: string, password = TEST_PASSWORD): Promise<Client> {
      const client = server.client();
      const response = await client.post("/api/auth/login", { email, password });
      if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
      return client;
    },

    /** A session made by the server's own function, for scenarios where logging in is itself limited. */
    async signIn(person: { id: string }): Promise<Client> {
      const session = await createSession(db, {
        accountId: person.id,
        ip: "127.0.0.1",
        userAgent: "security suite",
        now: clock.now(),
        policy: sessionPolicyOf(config),
      });
      const client = server.client();
      client.cookie = session.token;
      return client;
    },

    /** The dependencies the invitation service takes, for fixtures that send many invitations fast. */
    invitationDeps() {
      return {
        auth: {
          db,
          clock,
          throttle: memoryThrottleStore(),
          sessionPolicy: { idleMs: 3_600_000, absoluteMs: 43_200_000 },
        },
        publicUrl: config.publicUrl,
        ttlHours: config.invitationTtlHours,
      };
    },

    /**
     * Marks a client's session as verified by email just now, for scenarios whose subject is not
     * step-up itself (those pass the real flow through stepUp below).
     */
    /** Marks the client's session verified now, in every company of its account or in `companyId`. */
    async elevate(client: Client, companyId?: string): Promise<void> {
      if (!client.cookie) throw new Error("no session");
      await elevateSession(db, client.cookie, new Date(clock.now().getTime() + 10 * 60_000), companyId);
    },

    /**
     * Asks for a step-up code over HTTP, for `companyId` or account-level changes only, and returns
     * the challenge and the code read from the outbox.
     */
    async requestCode(client: Client, companyId?: string): Promise<{ challengeId: string; code: string }> {
      const issued = await client.post("/api/verification/step-up", companyId ? { companyId } : {});
      if (issued.status !== 201) throw new Error(`step-up failed: ${issued.status} ${issued.text}`);
      const mail = await db
        .selectFrom("mail_outbox")
        .select("text_body")
        .where("kind", "=", "step_up_code")
        .orderBy("seq", "desc")
        .limit(1)
        .executeTakeFirstOrThrow();
      const code = /\bis (\d{6})\b/.exec(mail.text_body)?.[1];
      if (!code) throw new Error("no code in the mail");
      return { challengeId: issued.body.challengeId, code };
    },

    /** Passes a real email verification over HTTP (the client's cookie is rotated). */
    async stepUp(client: Client, companyId?: string): Promise<void> {
      const { challengeId, code } = await server.requestCode(client, companyId);
      const verified = await client.post(`/api/verification/step-up/${challengeId}/verify`, { code });
      if (verified.status !== 200) throw new Error(`verify failed: ${verified.status} ${verified.text}`);
    },

    // ---- fixtures, made through the server's own functions -----------------------------------

    async account(email = uniqueEmail(), name = "Test Person"): Promise<{ id: string; email: string }> {
      return db
        .transaction()
        .execute((trx) => createAccount(trx, { email, name, password: TEST_PASSWORD, now: clock.now() }));
    },

    async company(name = "Acme Payments"): Promise<Company> {
      const admin = await server.account(uniqueEmail("admin"), `${name} Admin`);
      const created = await createCompany(db, {
        company: { name, legalName: `${name} Pte Ltd` },
        firstAdminAccountId: admin.id,
        actor: null,
        meta: { ip: null, userAgent: null, requestId: null },
        now: clock.now(),
      });
      return {
        id: created.companyId,
        name,
        roleIds: created.roleIds,
        admin: { ...admin, memberId: created.adminMemberId! },
      };
    },

    /** Adds an account (a new one unless given) to a company with roles, by id or predefined key. */
    async member(
      company: Company,
      roles: (PredefinedRoleKey | { id: string })[],
      account?: { id: string; email: string },
    ): Promise<Person> {
      const person = account ?? (await server.account(uniqueEmail("member")));
      const memberId = await db.transaction().execute((trx) =>
        addMember(trx, {
          companyId: company.id,
          accountId: person.id,
          roleIds: roles.map((role) => (typeof role === "string" ? company.roleIds[role] : role.id)),
          invitedBy: null,
          now: clock.now(),
        }),
      );
      return { ...person, memberId };
    },

    /** A custom role made directly in the database (the HTTP way is itself under attack in a scenario). */
    async customRole(company: Company, name: string, permissions: string[]): Promise<{ id: string }> {
      return db.transaction().execute(async (trx) => {
        const role = await trx
          .insertInto("roles")
          .values({ company_id: company.id, key: null, name, description: "" })
          .returning("id")
          .executeTakeFirstOrThrow();
        await trx
          .insertInto("role_permissions")
          .values(permissions.map((permission) => ({ role_id: role.id, permission })))
          .execute();
        return role;
      });
    },

    // ---- reading what happened ---------------------------------------------------------------

    snapshot(): Promise<StateSnapshot> {
      return snapshotState(db);
    },

    /** A point in time; audit events after it are the ones a scenario caused. */
    mark(): Date {
      return new Date(clock.now().getTime() - 1);
    },

    /** The audit events with this action recorded since the mark, oldest first. */
    async auditSince(mark: Date, action: string) {
      return db
        .selectFrom("audit_events")
        .selectAll()
        .where("action", "=", action)
        .where("occurred_at", ">=", mark)
        .orderBy("occurred_at")
        .execute();
    },

    /** Mails queued to an address, newest first. */
    async mailsTo(address: string, kind?: string) {
      let query = db.selectFrom("mail_outbox").selectAll().where("to_address", "=", address);
      if (kind) query = query.where("kind", "=", kind);
      return query.orderBy("seq", "desc").execute();
    },

    /** The token of the newest invitation link mailed to an address. */
    async invitationToken(address: string): Promise<string> {
      const [mail] = await server.mailsTo(address, "invitation");
      const token = /#token=([A-Za-z0-9_-]{43})\b/.exec(mail?.text_body ?? "")?.[1];
      if (!token) throw new Error(`no invitation link mailed to ${address}`);
      return token;
    },

    async invitationStatus(id: string): Promise<string | undefined> {
      const row = await db.selectFrom("invitations").select("status").where("id", "=", id).executeTakeFirst();
      return row?.status;
    },

    async memberRoleKeys(memberId: string): Promise<(string | null)[]> {
      const rows = await db
        .selectFrom("member_roles")
        .innerJoin("roles", "roles.id", "member_roles.role_id")
        .select("roles.key")
        .where("member_roles.member_id", "=", memberId)
        .execute();
      return rows.map((row) => row.key).sort();
    },

    async countRows(table: "members" | "accounts" | "invitations" | "roles" | "sessions" | "mail_outbox") {
      const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db);
      return Number(result.rows[0]?.n ?? 0);
    },
  };
  return server;
}

export type LiveServer = Awaited<ReturnType<typeof startLiveServer>>;

/** Invites over HTTP as an already verified client; returns the invitation id and the mailed token. */
export async function invite(
  server: LiveServer,
  inviter: Client,
  company: Company,
  email: string,
  roles: PredefinedRoleKey[] = ["finance"],
): Promise<{ id: string; token: string }> {
  const response = await inviter.post(`/api/companies/${company.id}/invitations`, {
    email,
    roleIds: roles.map((key) => company.roleIds[key]),
    acceptTerms: true,
  });
  if (response.status !== 201) throw new Error(`invite failed: ${response.status} ${response.text}`);
  return { id: response.body.id, token: await server.invitationToken(response.body.email) };
}
