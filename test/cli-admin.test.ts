// The admin command creates a company and its first active Admin (or invites them: rule 8's system
// invitation), on PGlite (server stopped) and on PostgreSQL, and refuses bad input and a data directory
// held by a running server.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/app.js";
import { verifyPassword } from "../server/auth/passwords.js";
import { runAdmin } from "../server/cli/admin.js";
import { loadConfig } from "../server/config.js";
import { openDatabase } from "../server/db/connect.js";
import { testDatabaseKinds } from "./support/databases.js";

const PASSWORD = "a long and unusual passphrase 77";
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-cli-"));
  tempDirs.push(dir);
  return dir;
}

async function checkCreated(database: Awaited<ReturnType<typeof openDatabase>>, email: string) {
  const account = await database.db
    .selectFrom("accounts")
    .selectAll()
    .where("email", "=", email)
    .executeTakeFirstOrThrow();
  expect(await verifyPassword(account.password_hash, PASSWORD)).toBe(true);
  const membership = await database.db
    .selectFrom("members")
    .innerJoin("member_roles", "member_roles.member_id", "members.id")
    .innerJoin("roles", "roles.id", "member_roles.role_id")
    .select(["members.status", "roles.key"])
    .where("members.account_id", "=", account.id)
    .execute();
  expect(membership).toEqual([{ status: "active", key: "admin" }]);
  const roles = await database.db.selectFrom("roles").select("key").execute();
  expect(roles.map((r) => r.key).sort()).toEqual([
    "admin",
    "data_analytics",
    "developer",
    "finance",
    "operations",
  ]);
}

describe("admin CLI create-company", () => {
  it("creates a company and its first Admin on PGlite, with the email canonicalized", async () => {
    const dataDir = tempDataDir();
    const result = await runAdmin(
      [
        "create-company",
        "--name",
        "Cli Co",
        "--admin-email",
        " Boss@CLI.example ",
        "--admin-password",
        PASSWORD,
      ],
      { DATA_DIR: dataDir, NODE_ENV: "test" },
    );
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toContain("boss@cli.example");
    expect(result.out).not.toContain(PASSWORD);
    const database = await openDatabase({ dataDir });
    try {
      await checkCreated(database, "boss@cli.example");
    } finally {
      await database.close();
    }
  });

  it.runIf(testDatabaseKinds.includes("postgres"))("creates a company on PostgreSQL", async () => {
    const { openTestDatabase } = await import("./support/databases.js");
    const database = await openTestDatabase("postgres");
    try {
      const url = database.url;
      expect(url).toBeDefined();
      const result = await runAdmin(
        [
          "create-company",
          "--name",
          "Pg Co",
          "--admin-email",
          "pg.boss@cli.example",
          "--admin-password",
          PASSWORD,
        ],
        { DATABASE_URL: url!, NODE_ENV: "test" },
      );
      expect(result).toMatchObject({ code: 0 });
      await checkCreated(database, "pg.boss@cli.example");
    } finally {
      await database.dispose();
    }
  });

  it("invites the first Admin without --admin-password: a system invitation whose printed link joins", async () => {
    const dataDir = tempDataDir();
    const env = { DATA_DIR: dataDir, NODE_ENV: "test", PUBLIC_URL: "https://portal.example" };
    const result = await runAdmin(
      ["create-company", "--name", "Invite Cli Co", "--admin-email", " Invited.Boss@CLI.example "],
      env,
    );
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toContain("invited.boss@cli.example");
    const token = /https:\/\/portal\.example\/invitations\/accept#token=([A-Za-z0-9_-]{43})$/m.exec(
      result.out,
    )?.[1];
    expect(token, result.out).toBeDefined();

    const database = await openDatabase({ dataDir });
    try {
      expect(await database.db.selectFrom("members").select("id").execute()).toEqual([]);
      const invitation = await database.db
        .selectFrom("invitations")
        .innerJoin("invitation_roles", "invitation_roles.invitation_id", "invitations.id")
        .innerJoin("roles", "roles.id", "invitation_roles.role_id")
        .select(["invitations.email", "invitations.status", "invitations.invited_by", "roles.key"])
        .execute();
      expect(invitation).toEqual([
        { email: "invited.boss@cli.example", status: "pending", invited_by: null, key: "admin" },
      ]);
      const mail = await database.db
        .selectFrom("mail_outbox")
        .selectAll()
        .where("kind", "=", "invitation")
        .executeTakeFirstOrThrow();
      expect(mail.to_address).toBe("invited.boss@cli.example");
      expect(mail.text_body).toContain(`https://portal.example/invitations/accept#token=${token}`);

      // Accepting through the API makes the person the company's active Admin, and logs them in.
      const app = await buildApp({ database, config: loadConfig(env), webDistDir: "/nonexistent" });
      try {
        const view = await app.inject({ url: `/api/invitations/${token}` });
        expect(view.statusCode, view.body).toBe(200);
        expect(view.json()).toMatchObject({
          companyName: "Invite Cli Co",
          invitedBy: null,
          accountExists: false,
        });
        const accepted = await app.inject({
          method: "POST",
          url: `/api/invitations/${token}/accept`,
          payload: { name: "Invited Boss", password: PASSWORD },
        });
        expect(accepted.statusCode, accepted.body).toBe(200);
        expect(accepted.json().me.memberships).toMatchObject([
          { companyName: "Invite Cli Co", status: "active", roles: [{ key: "admin" }] },
        ]);
      } finally {
        await app.close();
      }
      await checkCreated(database, "invited.boss@cli.example");
    } finally {
      await database.close();
    }
  });

  it("refuses a weak password, a bad email, missing arguments and unknown flags", async () => {
    const env = { DATA_DIR: tempDataDir(), NODE_ENV: "test" };
    const weak = await runAdmin(
      ["create-company", "--name", "W", "--admin-email", "w@cli.example", "--admin-password", "short"],
      env,
    );
    expect(weak.code).toBe(1);
    expect(weak.out).toMatch(/at least 12 characters/);
    const badEmail = await runAdmin(
      ["create-company", "--name", "W", "--admin-email", "not-an-email", "--admin-password", PASSWORD],
      env,
    );
    expect(badEmail.code).toBe(2);
    expect((await runAdmin(["create-company", "--name", "W"], env)).code).toBe(2);
    expect((await runAdmin(["create-company", "--nme", "W"], env)).code).toBe(2);
    const nameWithoutPassword = await runAdmin(
      ["create-company", "--name", "W", "--admin-email", "w@cli.example", "--admin-name", "W"],
      env,
    );
    expect(nameWithoutPassword.code).toBe(2);
    expect(nameWithoutPassword.out).toMatch(/--admin-name needs --admin-password/);
    expect((await runAdmin(["drop-everything"], env)).code).toBe(2);
  });

  it("refuses an existing account instead of changing its password", async () => {
    const env = { DATA_DIR: tempDataDir(), NODE_ENV: "test" };
    const args = [
      "create-company",
      "--name",
      "Once",
      "--admin-email",
      "once@cli.example",
      "--admin-password",
      PASSWORD,
    ];
    expect((await runAdmin(args, env)).code).toBe(0);
    const again = await runAdmin(
      [...args.slice(0, 5), "--admin-password", "another long passphrase 88"],
      env,
    );
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/already exists/);
  });

  it("refuses a PGlite directory that a running server holds", async () => {
    const dataDir = tempDataDir();
    fs.writeFileSync(path.join(dataDir, "portal.lock"), `${process.ppid}\nthe portal server\n`);
    const result = await runAdmin(
      ["create-company", "--name", "Busy", "--admin-email", "busy@cli.example", "--admin-password", PASSWORD],
      { DATA_DIR: dataDir, NODE_ENV: "test" },
    );
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/in use by the portal server/);
  });
});
