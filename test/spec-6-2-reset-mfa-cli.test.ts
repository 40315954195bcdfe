// SPEC §6.2, lost factors: the operator's `npm run admin -- reset-mfa --email …` removes every
// factor and recovery code of the account and ends its sessions, audited (system actor) and mailed.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/app.js";
import { runAdmin } from "../server/cli/admin.js";
import { loadConfig } from "../server/config.js";
import { openDatabase } from "../server/db/connect.js";
import { testDatabaseKinds } from "./support/databases.js";
import { totpCodeAt } from "./support/second-factors.js";

const PASSWORD = "a long and unusual passphrase 77";
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The person enrols an authenticator app through the API, then loses it. */
async function enrolThroughApi(env: Record<string, string>, email: string) {
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR ?? "" });
  const app = await buildApp({ database, config: loadConfig(env), webDistDir: "/nonexistent" });
  try {
    const login = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email, password: PASSWORD },
    });
    const cookie = login.cookies.find((c) => c.name === "portal_session")!.value;
    const headers = { cookie: `portal_session=${cookie}` };
    await database.db
      .updateTable("sessions")
      .set({ step_up_until: new Date(Date.now() + 600_000) })
      .execute();
    const started = await app.inject({ method: "POST", url: "/api/me/mfa/totp", headers, payload: {} });
    const confirmed = await app.inject({
      method: "POST",
      url: "/api/me/mfa/totp/confirm",
      headers,
      payload: { code: totpCodeAt(started.json().secret, new Date()) },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const again = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email, password: PASSWORD },
    });
    expect(again.json()).toMatchObject({ mfaRequired: true });
  } finally {
    await app.close();
    await database.close();
  }
}

async function checkReset(env: Record<string, string>, email: string) {
  const result = await runAdmin(["reset-mfa", "--email", ` ${email.toUpperCase()} `], env);
  expect(result, result.out).toMatchObject({ code: 0 });
  expect(result.out).toContain("Removed 1 second factor");
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR ?? "" });
  try {
    const account = await database.db
      .selectFrom("accounts")
      .select(["id", "has_second_factor"])
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    expect(account.has_second_factor).toBe(false);
    for (const table of ["mfa_factors", "mfa_recovery_codes", "sessions"] as const) {
      const rows = await database.db
        .selectFrom(table)
        .select("id")
        .where("account_id", "=", account.id)
        .execute();
      expect(rows, table).toEqual([]);
    }
    const audit = await database.db
      .selectFrom("audit_events")
      .select(["actor_account_id", "target_id"])
      .where("action", "=", "mfa.reset_by_operator")
      .execute();
    expect(audit).toEqual([{ actor_account_id: null, target_id: account.id }]);
    const mail = await database.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", email)
      .where("kind", "=", "second_factor_changed")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    expect(mail.text_body).toContain("operator removed every second factor");
    // The password alone logs in again.
    const app = await buildApp({ database, config: loadConfig(env), webDistDir: "/nonexistent" });
    try {
      const login = await app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { email, password: PASSWORD },
      });
      expect(login.json().account.email).toBe(email);
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

describe("SPEC §6.2: npm run admin -- reset-mfa", () => {
  it("resets an account's factors on PGlite, and refuses an unknown email or a missing one", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-reset-mfa-"));
    tempDirs.push(dataDir);
    const env = { DATA_DIR: dataDir, NODE_ENV: "test" };
    const created = await runAdmin(
      [
        "create-company",
        "--name",
        "Reset Co",
        "--admin-email",
        "lost.phone@cli.example",
        "--admin-password",
        PASSWORD,
      ],
      env,
    );
    expect(created.code).toBe(0);
    await enrolThroughApi(env, "lost.phone@cli.example");
    await checkReset(env, "lost.phone@cli.example");
    expect((await runAdmin(["reset-mfa", "--email", "nobody@cli.example"], env)).code).toBe(1);
    expect((await runAdmin(["reset-mfa"], env)).code).toBe(2);
    expect((await runAdmin(["reset-mfa", "--email", "not-an-email"], env)).code).toBe(2);
  });

  it.runIf(testDatabaseKinds.includes("postgres"))("resets an account's factors on PostgreSQL", async () => {
    const { openTestDatabase } = await import("./support/databases.js");
    const database = await openTestDatabase("postgres");
    try {
      const env = { DATABASE_URL: database.url!, NODE_ENV: "test" };
      const created = await runAdmin(
        [
          "create-company",
          "--name",
          "Pg Reset Co",
          "--admin-email",
          "pg.lost@cli.example",
          "--admin-password",
          PASSWORD,
        ],
        env,
      );
      expect(created.code).toBe(0);
      await enrolThroughApi(env, "pg.lost@cli.example");
      await checkReset(env, "pg.lost@cli.example");
    } finally {
      await database.dispose();
    }
  });
});
