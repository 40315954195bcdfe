// The admin command: `npm run admin -- create-company --name … --admin-email … [--admin-password …]`
// and `npm run admin -- reset-mfa --email …`. It opens the same database the server uses (PGlite
// under DATA_DIR, or DATABASE_URL) and migrates it.
import { parseArgs } from "node:util";
import { sessionPolicyOf } from "../access/session-queries.js";
import { createAccount } from "../auth/accounts.js";
import { findCredentialsByEmail, isEmailTaken } from "../auth/queries.js";
import { systemClock } from "../clock.js";
import { createCompany } from "../companies/service.js";
import { ConfigError, loadConfig } from "../config.js";
import { openDatabase } from "../db/connect.js";
import { lockDataDir } from "../db/data-dir-lock.js";
import { migrate } from "../db/migrate.js";
import { AppError } from "../errors.js";
import { canonicalizeEmail } from "../identity/email.js";
import { COMPANY_LEGAL_NAME, COMPANY_NAME, checkName, PERSON_NAME } from "../identity/names.js";
import { inviteMember } from "../invitations/service.js";
import { resetSecondFactors } from "../mfa/service.js";
import { memoryThrottleStore } from "../ratelimit/throttle-store.js";

const USAGE = `Usage:
  npm run admin -- create-company --name NAME --admin-email EMAIL
      [--admin-password PASSWORD [--admin-name NAME]] [--legal-name NAME] [--country CC] [--currency USD]

  Creates a company and its five predefined roles, then its first Admin:
  - without --admin-password, invites EMAIL as Admin: the invitation mail is queued (the server sends
    it) and the single-use link is printed here too; the person chooses their name and password;
  - with --admin-password, creates the account and its active Admin membership at once.

  npm run admin -- reset-mfa --email EMAIL

  For a person who lost every second factor and their recovery codes, once you are sure who they
  are: removes the account's factors and recovery codes and ends its sessions; the person is mailed
  and logs in with their password alone, then sets up a factor again.

  On the embedded database (no DATABASE_URL) stop the server first: PGlite admits one process.`;

type Opened = {
  database: Awaited<ReturnType<typeof openDatabase>>;
  config: ReturnType<typeof loadConfig>;
  close: () => Promise<void>;
};

/** The server's database, migrated; on PGlite the data directory is held for the command's run. */
async function openAdminDatabase(env: NodeJS.ProcessEnv): Promise<Opened | { code: number; out: string }> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return { code: 2, out: error.message };
    throw error;
  }
  let unlock = () => {};
  if (!config.databaseUrl) {
    try {
      unlock = lockDataDir(config.dataDir, "the admin command");
    } catch (error) {
      return { code: 1, out: (error as Error).message };
    }
  }
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const close = async () => {
    await database.close();
    unlock();
  };
  try {
    await migrate(database);
  } catch (error) {
    await close();
    throw error;
  }
  return { database, config, close };
}

/** reset-mfa: the operator's way past lost factors (SPEC §6.2); audited with no actor, and mailed. */
async function runResetMfa(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  let email: string | undefined;
  try {
    email = parseArgs({ args, options: { email: { type: "string" } }, strict: true }).values.email;
  } catch (error) {
    return { code: 2, out: `${(error as Error).message}\n\n${USAGE}` };
  }
  if (!email) return { code: 2, out: `--email is required.\n\n${USAGE}` };
  const canonical = canonicalizeEmail(email);
  if (!canonical.ok) return { code: 2, out: `--email: ${canonical.reason}` };
  const opened = await openAdminDatabase(env);
  if (!("database" in opened)) return opened;
  try {
    const account = await findCredentialsByEmail(opened.database.db, canonical.email);
    if (!account) return { code: 1, out: `No account has the email ${canonical.email}.` };
    const now = systemClock.now();
    const result = await opened.database.db
      .transaction()
      .execute((trx) => resetSecondFactors(trx, { accountId: account.id, now }));
    return {
      code: 0,
      out:
        `Removed ${result.factorsRemoved} second factor(s) and the recovery codes of ${canonical.email}, ` +
        `and ended ${result.sessionsEnded} session(s). The account was mailed.`,
    };
  } finally {
    await opened.close();
  }
}

export async function runAdmin(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; out: string }> {
  const [command, ...rest] = argv;
  if (command === "reset-mfa") return runResetMfa(rest, env);
  if (command !== "create-company") return { code: 2, out: USAGE };
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: {
        name: { type: "string" },
        "admin-email": { type: "string" },
        "admin-password": { type: "string" },
        "admin-name": { type: "string" },
        "legal-name": { type: "string" },
        country: { type: "string" },
        currency: { type: "string" },
      },
      strict: true,
    }).values as Record<string, string | undefined>;
  } catch (error) {
    return { code: 2, out: `${(error as Error).message}\n\n${USAGE}` };
  }
  const name = values.name?.trim();
  const adminEmail = values["admin-email"];
  const adminPassword = values["admin-password"];
  if (!name || !adminEmail) return { code: 2, out: `--name and --admin-email are required.\n\n${USAGE}` };
  if (!adminPassword && values["admin-name"] !== undefined) {
    return {
      code: 2,
      out: `--admin-name needs --admin-password: an invited Admin chooses their own name.\n\n${USAGE}`,
    };
  }
  for (const [option, value, kind] of [
    ["--name", name, COMPANY_NAME],
    ["--legal-name", values["legal-name"], COMPANY_LEGAL_NAME],
    ["--admin-name", values["admin-name"], PERSON_NAME],
  ] as const) {
    const verdict = value?.trim() ? checkName(value, kind) : null;
    if (verdict && !verdict.ok) return { code: 2, out: `${option}: ${verdict.message}` };
  }
  const canonical = canonicalizeEmail(adminEmail);
  if (!canonical.ok) return { code: 2, out: `--admin-email: ${canonical.reason}` };
  const currency = (values.currency ?? "USD").toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    return { code: 2, out: "--currency must be a three-letter ISO code such as USD." };

  const opened = await openAdminDatabase(env);
  if (!("database" in opened)) return opened;
  const { database, config } = opened;
  try {
    const now = systemClock.now();
    const meta = { ip: null, userAgent: "admin-cli", requestId: null };
    const company = {
      name,
      legalName: values["legal-name"]?.trim() || name,
      country: values.country?.toUpperCase() ?? "",
      settlementCurrency: currency,
      contactEmail: canonical.email,
    };
    if (!adminPassword) {
      const created = await createCompany(database.db, {
        company,
        firstAdminAccountId: null,
        actor: null,
        meta,
        now,
      });
      // The system invites (no inviter): acceptance needs no re-check of anyone's rights.
      const { invitation, acceptUrl } = await inviteMember(
        {
          auth: {
            db: database.db,
            clock: systemClock,
            throttle: memoryThrottleStore(),
            sessionPolicy: sessionPolicyOf(config),
          },
          publicUrl: config.publicUrl,
          ttlHours: config.invitationTtlHours,
        },
        {
          companyId: created.companyId,
          actor: null,
          email: canonical.email,
          roleIds: [created.roleIds.admin],
          acceptTerms: true,
          meta,
        },
      );
      return {
        code: 0,
        out: [
          `Created company "${name}" (${created.companyId}) and invited ${canonical.email} as its Admin.`,
          `The invitation mail is queued; the server sends it. The link works once, until ${invitation.expires_at.toISOString()}:`,
          `  ${acceptUrl}`,
        ].join("\n"),
      };
    }
    if (await isEmailTaken(database.db, canonical.email)) {
      return {
        code: 1,
        out: `An account for ${canonical.email} already exists; its password is not changed here.`,
      };
    }
    const account = await database.db.transaction().execute((trx) =>
      createAccount(trx, {
        email: canonical.email,
        name: values["admin-name"]?.trim() || canonical.email.slice(0, canonical.email.indexOf("@")),
        password: adminPassword,
        now,
      }),
    );
    const created = await createCompany(database.db, {
      company,
      firstAdminAccountId: account.id,
      actor: null,
      meta,
      now,
    });
    return {
      code: 0,
      out: `Created company "${name}" (${created.companyId}) with ${canonical.email} as its Admin.`,
    };
  } catch (error) {
    if (error instanceof AppError) return { code: 1, out: error.message };
    throw error;
  } finally {
    await opened.close();
  }
}

// Run only when executed as the command, not when imported by tests.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/server\//, "/server/"))) {
  runAdmin(process.argv.slice(2)).then(
    ({ code, out }) => {
      (code === 0 ? console.log : console.error)(out);
      process.exit(code);
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
