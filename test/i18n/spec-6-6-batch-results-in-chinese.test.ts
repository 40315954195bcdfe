// SPEC §6.6: a bulk invitation's row reasons are in the request's language, as error bodies are:
// a batch of emails and a CSV import (preview and send) answer each refused or invalid row's reason
// in Chinese for a Chinese reader, with the same status and code, and in English otherwise.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";

type Result = { email: string; status: string; code?: string; message?: string; line?: number };

const CHINESE = /[\u4e00-\u9fff]/;
const LATIN_WORDS = /[A-Za-z]{3,}/;

describe.each(testDatabaseKinds)(
  "SPEC §6.6 bulk invitation results in the reader's language on %s",
  (kind) => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(kind);
    });
    afterAll(() => h?.close());

    it("gives each row's reason of a batch in Chinese for Accept-Language: zh-CN, codes unchanged", async () => {
      const company = await h.company("Batch Language Co");
      const member = await h.member(company, ["finance"]);
      const cookie = await h.login(company.admin.email);
      await h.elevate(cookie, company.id);
      const send = (language: string) =>
        h.inject(cookie, {
          method: "POST",
          url: `/api/companies/${company.id}/invitations/batch`,
          headers: { "accept-language": language },
          payload: {
            emails: ["not an email", member.email, "twice@example.com", "TWICE@example.com"],
            roleIds: [company.roleIds.developer],
            acceptTerms: true,
          },
        });
      const chinese = await send("zh-CN,zh;q=0.9");
      expect(chinese.statusCode, chinese.body).toBe(200);
      const rows: Result[] = chinese.json().results;
      expect(rows.map((r) => [r.status, r.code ?? null])).toEqual([
        ["invalid", "validation_failed"],
        ["already_member", "already_member"],
        ["invited", null],
        ["invalid", "duplicate_in_batch"],
      ]);
      for (const row of rows.filter((r) => r.code)) {
        expect(row.message, row.email).toMatch(CHINESE);
        expect(row.message, row.email).not.toMatch(LATIN_WORDS);
      }

      const english = await send("en");
      const again: Result[] = english.json().results;
      expect(again[1]?.message).toBe("This email is already an active member of the company.");
      expect(again[0]?.message).not.toMatch(CHINESE);
    });

    it("gives the reasons of a CSV import's preview and send in Chinese, an unknown role named as written", async () => {
      const company = await h.company("Import Language Co");
      const cookie = await h.login(company.admin.email);
      const csv = [
        "email,roles",
        "ana@example.com,Finanzen",
        "bo@example.com,",
        "cy@example.com,Finance",
      ].join("\n");
      const preview = await h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${company.id}/invitations/import/preview`,
        headers: { "accept-language": "zh-CN" },
        payload: { csv },
      });
      expect(preview.statusCode, preview.body).toBe(200);
      const rows: Result[] = preview.json().results;
      expect(rows.map((r) => [r.line, r.status, r.code ?? null])).toEqual([
        [2, "invalid", "validation_failed"],
        [3, "invalid", "validation_failed"],
        [4, "ready", null],
      ]);
      expect(rows[0]?.message).toBe('本公司没有名为 "Finanzen" 的角色。');
      expect(rows[1]?.message).toBe("请为此行选择一个或多个角色。");

      await h.elevate(cookie, company.id);
      const sent = await h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${company.id}/invitations/import`,
        headers: { "accept-language": "zh-CN" },
        payload: { csv, acceptTerms: true },
      });
      expect(sent.statusCode, sent.body).toBe(200);
      const results: Result[] = sent.json().results;
      expect(results.map((r) => r.status)).toEqual(["invalid", "invalid", "invited"]);
      expect(results[0]?.message).toMatch(CHINESE);
      expect(results[1]?.message).toBe("请为此行选择一个或多个角色。");

      const inEnglish = await h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${company.id}/invitations/import/preview`,
        payload: { csv },
      });
      const englishRows: Result[] = inEnglish.json().results;
      expect(englishRows[0]?.message).toBe('No role of this company is named "Finanzen".');
      expect(englishRows[1]?.message).toBe("Choose one or more roles for this row.");
    });
  },
);
