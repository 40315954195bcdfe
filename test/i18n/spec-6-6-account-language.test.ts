// SPEC §6.6 and §6.8: PUT /api/me/preferences saves the account's language and time zone, GET /api/me
// names them, and error bodies answer their message in the account's language, else
// Accept-Language's, with the same stable code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../server/errors.js";
import { ZH_CN_ERRORS } from "../../server/i18n/catalogue-zh-CN.js";
import { testDatabaseKinds } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";

describe.each(testDatabaseKinds)("SPEC §6.6 the account's language and time zone on %s", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Language Co");
  });
  afterAll(() => h?.close());

  const setPreferences = (cookie: string, payload: unknown) =>
    h.inject(cookie, { method: "PUT", url: "/api/me/preferences", payload });

  it("saves a language and a time zone, answers them, and GET /api/me names them", async () => {
    const person = await h.member(company, ["finance"]);
    const cookie = await h.login(person.email);
    const before = await h.inject(cookie, { url: "/api/me" });
    expect(before.json().account).not.toHaveProperty("language");
    expect(before.json().account).not.toHaveProperty("timeZone");

    const saved = await setPreferences(cookie, { language: "zh-CN", timeZone: "Asia/Shanghai" });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ language: "zh-CN", timeZone: "Asia/Shanghai" });

    const onlyZone = await setPreferences(cookie, { timeZone: "Europe/London" });
    expect(onlyZone.json()).toEqual({ language: "zh-CN", timeZone: "Europe/London" });

    const me = await h.inject(cookie, { url: "/api/me" });
    expect(me.json().account).toMatchObject({ language: "zh-CN", timeZone: "Europe/London" });
  });

  it("refuses an unknown language, an unknown time zone and an empty change, saving nothing", async () => {
    const person = await h.member(company, ["finance"]);
    const cookie = await h.login(person.email);
    for (const payload of [
      { language: "fr" },
      { language: "zh" },
      { timeZone: "Mars/Olympus_Mons" },
      { timeZone: "+08:00" },
      { language: "zh-CN", timeZone: "Not a zone" },
      {},
    ]) {
      const refused = await setPreferences(cookie, payload);
      expect(refused.statusCode, JSON.stringify(payload)).toBe(400);
      expect(refused.json().error.code).toBe("validation_failed");
    }
    const row = await h.db
      .selectFrom("accounts")
      .select(["language", "time_zone"])
      .where("id", "=", person.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ language: null, time_zone: null });
  });

  it("changes only the caller's account, and records the change in the audit log", async () => {
    const person = await h.member(company, ["operations"]);
    const other = await h.member(company, ["operations"]);
    const cookie = await h.login(person.email);
    expect((await setPreferences(cookie, { language: "zh-CN" })).statusCode).toBe(200);

    const rows = await h.db
      .selectFrom("accounts")
      .select(["id", "language"])
      .where("id", "in", [person.id, other.id])
      .execute();
    expect(Object.fromEntries(rows.map((row) => [row.id, row.language]))).toEqual({
      [person.id]: "zh-CN",
      [other.id]: null,
    });

    const events = await h.db
      .selectFrom("audit_events")
      .select(["action", "outcome", "actor_account_id", "target_id", "details"])
      .where("action", "=", "profile.preferences_changed")
      .where("actor_account_id", "=", person.id)
      .execute();
    expect(events).toEqual([
      {
        action: "profile.preferences_changed",
        outcome: "success",
        actor_account_id: person.id,
        target_id: person.id,
        details: { language: "zh-CN" },
      },
    ]);
    const own = await h.inject(cookie, { url: "/api/me/audit-events" });
    expect(own.json().items.map((item: { action: string }) => item.action)).toContain(
      "profile.preferences_changed",
    );
  });

  it("answers an error in Chinese for Accept-Language: zh-CN, with the same code", async () => {
    const english = await h.inject(null, { url: "/api/me" });
    expect(english.statusCode).toBe(401);
    expect(english.json().error).toEqual({
      code: "unauthenticated",
      message: ERROR_CODES.unauthenticated.message,
    });

    for (const header of ["zh-CN", "zh", "zh-Hans-CN,zh;q=0.9", "fr;q=1, zh-TW;q=0.8, en;q=0.5"]) {
      const chinese = await h.inject(null, { url: "/api/me", headers: { "accept-language": header } });
      expect(chinese.statusCode).toBe(401);
      expect(chinese.json().error, header).toEqual({
        code: "unauthenticated",
        message: ZH_CN_ERRORS.unauthenticated,
      });
    }
    // q-values decide, not the order.
    const preferEnglish = await h.inject(null, {
      url: "/api/me",
      headers: { "accept-language": "zh-CN;q=0.3, en-GB;q=0.9" },
    });
    expect(preferEnglish.json().error.message).toBe(ERROR_CODES.unauthenticated.message);
  });

  it("answers an error in the account's language whatever the browser asks, with the same code", async () => {
    const person = await h.member(company, ["finance"]);
    const cookie = await h.login(person.email);
    expect((await setPreferences(cookie, { language: "zh-CN" })).statusCode).toBe(200);

    const refused = await h.inject(cookie, {
      url: `/api/companies/${company.id}/members`,
      headers: { "accept-language": "en-US" },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("forbidden");
    expect(refused.json().error.message).toBe("此操作需要 members.view 权限。");

    // A service's own English message is answered from the catalogue too.
    const badCursor = await h.inject(cookie, { url: "/api/me/audit-events?cursor=nonsense" });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error.code).toBe("validation_failed");
    expect(badCursor.json().error.message).toMatch(/[\u4e00-\u9fff]/);

    // A body the schema refuses names the field in a Chinese sentence.
    const badBody = await setPreferences(cookie, { language: "fr" });
    expect(badBody.json().error.code).toBe("validation_failed");
    expect(badBody.json().error.message).toBe("body.language 无效。");

    expect((await setPreferences(cookie, { language: "en" })).statusCode).toBe(200);
    const english = await h.inject(cookie, {
      url: `/api/companies/${company.id}/members`,
      headers: { "accept-language": "zh-CN" },
    });
    expect(english.json().error).toEqual({
      code: "forbidden",
      message: "You need the members.view permission for this.",
      details: expect.anything(),
    });
  });
});
