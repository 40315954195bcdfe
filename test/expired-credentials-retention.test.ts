// What has expired is deleted by the retention job, not kept until it is presented again: sessions
// past their absolute end (rule 16), known devices and unlock links past theirs, and the login
// throttle's count of an email (rule 14) once it has had no failure for LOGIN_THROTTLE_IDLE_DAYS
// and no lock is in force. What is still in force stays and keeps working.
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_THROTTLE_IDLE_DAYS, pruneOnce } from "../server/retention/job.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;
const SETTINGS = { mailDays: 30, webhookLogDays: 30 };

describe.each(testDatabaseKinds)("rules 14 and 16: what has expired is deleted on %s", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Expiry Co");
  });
  /** Someone who may log in: a member of the company. */
  const member = () => h.member(company, ["finance"]);
  afterAll(() => h?.close());

  const sessionsOf = async (accountId: string) =>
    (await h.db.selectFrom("sessions").select("id").where("account_id", "=", accountId).execute()).length;
  const devicesOf = async (accountId: string) =>
    (await h.db.selectFrom("known_devices").select("id").where("account_id", "=", accountId).execute())
      .length;

  it("deletes a session past its absolute end and a known device past its own; live ones stay and work", async () => {
    const person = await member();
    await h.login(person.email);
    expect(await sessionsOf(person.id)).toBe(1);
    expect(await devicesOf(person.id)).toBe(1);

    // Past the 12 hours of the first session (never presented again), a second login.
    h.clock.advance(13 * HOUR);
    const live = await h.login(person.email);
    expect(await sessionsOf(person.id)).toBe(2);
    expect(await pruneOnce(h.db, h.clock.now(), SETTINGS)).toBe(false);
    expect(await sessionsOf(person.id)).toBe(1);
    expect((await h.inject(live, { url: "/api/me" })).statusCode).toBe(200);
    // Each login (no device cookie sent here) left a known device for 180 days: both stay.
    expect(await devicesOf(person.id)).toBe(2);

    // Past the known device's 180 days without a login, it goes too (and the session long before).
    h.clock.advance(181 * DAY);
    expect(await pruneOnce(h.db, h.clock.now(), SETTINGS)).toBe(false);
    expect(await sessionsOf(person.id)).toBe(0);
    expect(await devicesOf(person.id)).toBe(0);
  });

  it("deletes an unlock link past its end, and keeps one still usable", async () => {
    const person = await h.account();
    const link = async (minutesLeft: number) => {
      const now = h.clock.now().getTime();
      const row = await h.db
        .insertInto("login_unlock_links")
        .values({
          account_id: person.id,
          token_hash: randomBytes(32).toString("hex"),
          created_at: new Date(now - 30 * 60_000),
          expires_at: new Date(now + minutesLeft * 60_000),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    };
    const ended = await link(-1);
    const usable = await link(10);
    expect(await pruneOnce(h.db, h.clock.now(), SETTINGS)).toBe(false);
    const left = await h.db
      .selectFrom("login_unlock_links")
      .select("id")
      .where("id", "in", [ended, usable])
      .execute();
    expect(left.map((row) => row.id)).toEqual([usable]);
  });

  it("forgets an email's failure count after its idle days, never while a lock is in force", async () => {
    const fail = async (email: string) => {
      const response = await h.inject(null, {
        method: "POST",
        url: "/api/auth/login",
        payload: { email, password: "not the password at all" },
      });
      expect(response.statusCode).toBe(401);
    };
    await fail("made.up.long.ago@example.com");
    h.clock.advance((LOGIN_THROTTLE_IDLE_DAYS + 1) * DAY);
    await fail("made.up.lately@example.com");
    // A lock still in force on a count as old (the lock set by hand: ten failures set both at once).
    await sql`INSERT INTO login_throttle (email, consecutive_failures, locked_until, updated_at)
              VALUES ('locked@example.com', 0, ${new Date(h.clock.now().getTime() + HOUR)},
                      ${new Date(h.clock.now().getTime() - 40 * DAY)})`.execute(h.db);

    expect(await pruneOnce(h.db, h.clock.now(), SETTINGS)).toBe(false);
    const left = await h.db
      .selectFrom("login_throttle")
      .select(["email", "consecutive_failures"])
      .where("email", "in", [
        "made.up.long.ago@example.com",
        "made.up.lately@example.com",
        "locked@example.com",
      ])
      .orderBy("email")
      .execute();
    expect(left).toEqual([
      { email: "locked@example.com", consecutive_failures: 0 },
      { email: "made.up.lately@example.com", consecutive_failures: 1 },
    ]);
  });

  it("deletes a backlog a batch at a time, and says when a batch was full", async () => {
    const people = await Promise.all([1, 2, 3].map(() => member()));
    for (const person of people) await h.login(person.email);
    h.clock.advance(13 * HOUR);
    const counts = async () =>
      (await Promise.all(people.map((p) => sessionsOf(p.id)))).reduce((a, b) => a + b);
    expect(await counts()).toBe(3);
    // Other tests' expired rows may be left too: full batches until one is not.
    let passes = 0;
    while (await pruneOnce(h.db, h.clock.now(), SETTINGS, 2)) passes += 1;
    expect(passes).toBeGreaterThanOrEqual(1);
    expect(await counts()).toBe(0);
  });
});
