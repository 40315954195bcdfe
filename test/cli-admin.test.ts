// The admin command creates a company and its first active Admin, on PGlite (server stopped)
// and on PostgreSQL, and refuses bad input and a data directory held by a running server.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../server/auth/passwords.js";
import { runAdmin } from "../server/cli/admin.js";
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
