// `npm run bench -- --login-timing [--quick]`: rule 10's "about the same time", measured. Times logins
// for unknown emails against wrong passwords for existing accounts and reports the difference; the
// gating suite only counts password verifications (test/rule-10-login-failures.test.ts), since
// wall-clock comparisons fail on a busy machine. A report, not a pass/fail check.
import { Writable } from "node:stream";
import { buildApp } from "../server/app.js";
import { createAccount } from "../server/auth/accounts.js";
import { hashPassword, verifyPassword } from "../server/auth/passwords.js";
import { loadConfig } from "../server/config.js";
import { openDatabase } from "../server/db/connect.js";
import { migrate } from "../server/db/migrate.js";
import { median } from "./load.js";

// Fewer than 10 wrong passwords per account, so no account is locked and answers early with a 429.
const FAILURES_PER_ACCOUNT = 5;

export type LoginTiming = {
  rounds: number;
  unknownMs: { p50: number; p90: number };
  knownMs: { p50: number; p90: number };
  /** Median unknown-email login less median wrong-password login. */
  differenceMs: number;
  /** One argon2 verification alone, the cost a skipped dummy hash would show. */
  verificationMs: number;
};

const percentile = (values: number[], share: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * share))] ?? 0;

export async function runLoginTiming(options: {
  rounds: number;
  databaseUrl?: string;
  log: (line: string) => void;
}): Promise<LoginTiming> {
  const { rounds, log } = options;
  const database = await openDatabase(options.databaseUrl ? { url: options.databaseUrl } : {});
  await migrate(database);
  const app = await buildApp({
    database,
    config: loadConfig({ NODE_ENV: "test", PUBLIC_URL: "http://portal.test" }),
    webDistDir: "/nonexistent",
    logStream: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
    limits: { loginPerMinute: 1_000_000 },
  });
  const runId = Date.now().toString(36);
  try {
    const accounts: string[] = [];
    for (let i = 0; i < Math.ceil(rounds / FAILURES_PER_ACCOUNT); i += 1) {
      const email = `timing.${runId}.${i}@example.com`;
      await database.db.transaction().execute((trx) =>
        createAccount(trx, {
          email,
          name: "Timing Person",
          password: "the right password 42",
          now: new Date(),
        }),
      );
      accounts.push(email);
    }
    let address = 0;
    const timedLogin = async (email: string) => {
      address += 1;
      const started = performance.now();
      const response = await app.inject({
        method: "POST",
        url: "/api/auth/login",
        // Each request from its own client address, so the per-IP delays never answer first.
        remoteAddress: `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
        payload: { email, password: "a wrong password" },
      });
      const ms = performance.now() - started;
      if (response.statusCode !== 401) throw new Error(`login for ${email} answered ${response.statusCode}`);
      return ms;
    };
    const unknown: number[] = [];
    const known: number[] = [];
    for (let round = -5; round < rounds; round += 1) {
      const knownEmail = accounts[Math.max(0, round) % accounts.length]!;
      const unknownEmail = `nobody.${runId}.${round}@example.com`;
      // Alternating which goes first, so neither always runs on a warmer cache.
      const [first, second] =
        round % 2 === 0 ? [knownEmail, unknownEmail] : ([unknownEmail, knownEmail] as const);
      const firstMs = await timedLogin(first);
      const secondMs = await timedLogin(second);
      if (round < 0) continue; // warm-up
      known.push(first === knownEmail ? firstMs : secondMs);
      unknown.push(first === knownEmail ? secondMs : firstMs);
    }
    const stored = await hashPassword("a password to time the check of");
    const verifications: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      const started = performance.now();
      await verifyPassword(stored, "not that password");
      verifications.push(performance.now() - started);
    }
    const result: LoginTiming = {
      rounds,
      unknownMs: { p50: median(unknown), p90: percentile(unknown, 0.9) },
      knownMs: { p50: median(known), p90: percentile(known, 0.9) },
      differenceMs: median(unknown) - median(known),
      verificationMs: median(verifications),
    };
    log(`login timing on ${database.kind}, ${rounds} rounds (one unknown email, one wrong password each)`);
    log(
      `  unknown email   p50 ${result.unknownMs.p50.toFixed(1)} ms  p90 ${result.unknownMs.p90.toFixed(1)} ms`,
    );
    log(`  wrong password  p50 ${result.knownMs.p50.toFixed(1)} ms  p90 ${result.knownMs.p90.toFixed(1)} ms`);
    log(
      `  difference of medians ${result.differenceMs.toFixed(1)} ms; one argon2 verification ${result.verificationMs.toFixed(1)} ms`,
    );
    return result;
  } finally {
    await app.close();
    await database.close();
  }
}
