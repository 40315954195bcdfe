// Issue 17 item 3 (rule 13): names of people, roles and companies refuse control and format
// characters (zero-width, bidi overrides), and a custom role cannot read like another role of its
// company (Unicode TR39 confusable skeleton): both would let a name imitate Admin in every picker.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAdmin } from "../server/cli/admin.js";
import { createCompany } from "../server/companies/service.js";
import { AppError } from "../server/errors.js";
import { checkName, confusableKey, ROLE_NAME, readsAlike } from "../server/identity/names.js";
import { inviteMember } from "../server/invitations/service.js";
import { memoryThrottleStore } from "../server/ratelimit/throttle-store.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const CYRILLIC_A = "\u0410";
const INVISIBLE_OR_REORDERING = [
  ["zero-width space", "Ad\u200bmin"],
  ["zero-width joiner", "Ad\u200dmin"],
  ["word joiner", "Ad\u2060min"],
  ["byte order mark", "\ufeffAdmin"],
  ["right-to-left override", "nimdA\u202e"],
  ["left-to-right isolate", "\u2066Admin\u2069"],
  ["C1 control", "Ad\u0085min"],
  ["line separator", "Ad\u2028min"],
] as const;

describe("Issue 17 item 3: names refuse control and format characters; role names cannot read like another", () => {
  describe("the name rules", () => {
    it.each(INVISIBLE_OR_REORDERING)("refuses a name with a %s", (_what, name) => {
      expect(checkName(name, ROLE_NAME).ok).toBe(false);
    });

    it.each(["财务主管", "Финансы", "Ops – Night desk", "Zoë's team", "مالية", "  Trimmed  "])(
      "accepts %s",
      (name) => {
        expect(checkName(name, ROLE_NAME)).toEqual({ ok: true, name: name.trim() });
      },
    );

    it("gives lookalikes one key: Cyrillic А, case, m for rn, 0 for O", () => {
      expect(confusableKey(`${CYRILLIC_A}dmin`)).toBe(confusableKey("Admin"));
      expect(confusableKey("ADMIN")).toBe(confusableKey("admin"));
      expect(confusableKey("Tearn")).toBe(confusableKey("Team"));
      expect(confusableKey("R0LE")).toBe(confusableKey("role"));
      expect(confusableKey("Finance")).not.toBe(confusableKey("Financе ops"));
      expect(confusableKey("财务主管")).not.toBe(confusableKey("财务"));
    });

    it("reads a capital I as the small l it looks like, and a 1 too, but keeps other names apart", () => {
      expect(readsAlike("Ops Iead", "Ops lead")).toBe(true);
      expect(readsAlike("Iris", "lris")).toBe(true);
      expect(readsAlike("1ris", "Iris")).toBe(true);
      expect(readsAlike(`${CYRILLIC_A}DMIN`, "admin")).toBe(true);
      expect(readsAlike("Ops lead", "Ops leads")).toBe(false);
      expect(readsAlike("Iris", "Irish")).toBe(false);
      expect(readsAlike("财务主管", "财务")).toBe(false);
    });
  });

  describe("the admin command (company and person names)", () => {
    it.each([
      ["--name", "Acme\u200b Payments"],
      ["--name", "Acme \u202eyaP"],
      ["--legal-name", "Acme\u0007 Ltd"],
      ["--admin-name", "Eve\u2066"],
    ])("refuses %s %j before opening any database", async (option, value) => {
      const args = ["create-company", "--name", "Acme", "--admin-email", "cli.names@example.com"];
      args.push("--admin-password", "a long and unusual passphrase 77");
      const index = args.indexOf(option);
      if (index === -1) args.push(option, value);
      else args[index + 1] = value;
      const dataDir = path.join(os.tmpdir(), `portal-names-${process.pid}-${Date.now()}`);
      const result = await runAdmin(args, { NODE_ENV: "test", DATA_DIR: dataDir });
      const opened = fs.existsSync(dataDir);
      fs.rmSync(dataDir, { recursive: true, force: true });
      expect(opened).toBe(false);
      expect(result.code).toBe(2);
      expect(result.out).toContain(option);
      expect(result.out).toContain("visible characters");
    });
  });

  describe.each(testDatabaseKinds)("over HTTP (%s)", (kind) => {
    let h: Harness;
    let company: Awaited<ReturnType<Harness["company"]>>;
    let admin: string;

    beforeAll(async () => {
      h = await createHarness(kind);
      company = await h.company("Lookalike Co");
      admin = await h.login(company.admin.email);
      await h.elevate(admin);
    });
    afterAll(() => h?.close());

    const rolesUrl = () => `/api/companies/${company.id}/roles`;
    const createRole = (name: string) =>
      h.inject(admin, {
        method: "POST",
        url: rolesUrl(),
        payload: { name, permissions: ["transactions.view"] },
      });
    const renameRole = (roleId: string, name: string) =>
      h.inject(admin, { method: "PATCH", url: `${rolesUrl()}/${roleId}`, payload: { name } });
    const roleNames = async () =>
      (await h.db.selectFrom("roles").select("name").where("company_id", "=", company.id).execute()).map(
        (role) => role.name,
      );

    it('"Аdmin" with a Cyrillic А → 409 role_name_taken, naming the role it imitates', async () => {
      const response = await createRole(`${CYRILLIC_A}dmin`);
      expect(response.statusCode, response.body).toBe(409);
      expect(response.json().error.code).toBe("role_name_taken");
      expect(response.json().error.details).toMatchObject({ lookalikeOf: "Admin" });
    });

    it.each(INVISIBLE_OR_REORDERING)(
      "a role name with a %s → 400 validation_failed naming the field",
      async (_what, name) => {
        const response = await createRole(name);
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json().error.code).toBe("validation_failed");
        expect(response.json().error.details.field).toBe("body.name");
        expect(await roleNames()).not.toContain(name);
      },
    );

    it("a lookalike of a custom role → 409, on create and on rename; renaming a role to its own lookalike is fine", async () => {
      const payouts = await createRole("Payouts");
      expect(payouts.statusCode, payouts.body).toBe(201);
      expect((await createRole(`P${"\u0430"}youts`)).statusCode).toBe(409); // Cyrillic а
      expect((await createRole("PAYOUTS")).statusCode).toBe(409);
      const team = await createRole("Team");
      expect(team.statusCode).toBe(201);
      expect((await createRole("Tearn")).statusCode).toBe(409);
      const lead = await createRole("Ops lead");
      expect(lead.statusCode, lead.body).toBe(201);
      const capitalI = await createRole("Ops Iead");
      expect(capitalI.statusCode, capitalI.body).toBe(409);
      expect(capitalI.json().error.details).toMatchObject({ lookalikeOf: "Ops lead" });
      const renamed = await renameRole(team.json().id, "Payouts\u00a0");
      expect(renamed.statusCode, renamed.body).toBe(409);
      expect(renamed.json().error.code).toBe("role_name_taken");
      const toAdmin = await renameRole(team.json().id, `${CYRILLIC_A}DMIN`);
      expect(toAdmin.statusCode).toBe(409);
      expect((await renameRole(team.json().id, "Ad\u200bmin")).statusCode).toBe(400);
      const own = await renameRole(payouts.json().id, "payouts");
      expect(own.statusCode, own.body).toBe(200);
      expect(await roleNames()).toEqual(expect.arrayContaining(["payouts", "Team"]));
    });

    it("legitimate non-Latin names are accepted", async () => {
      for (const name of ["财务主管", "Финансы", "مالية"]) {
        const response = await createRole(name);
        expect(response.statusCode, response.body).toBe(201);
        expect(response.json().name).toBe(name);
      }
    });

    it("two lookalikes created at once: one is created, the other is refused", async () => {
      const [first, second] = await Promise.all([createRole("Refunds"), createRole(`R${"\u0435"}funds`)]);
      expect([first.statusCode, second.statusCode].sort()).toEqual([201, 409]);
    });

    it("a person's name at invitation acceptance refuses format characters; a non-Latin one is accepted", async () => {
      const invite = async (email: string) => {
        const { acceptUrl } = await inviteMember(
          {
            auth: {
              db: h.db,
              clock: h.clock,
              throttle: memoryThrottleStore(),
              sessionPolicy: { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 },
            },
            publicUrl: h.config.publicUrl,
            ttlHours: h.config.invitationTtlHours,
          },
          {
            companyId: company.id,
            actor: null,
            email,
            roleIds: [company.roleIds.finance],
            acceptTerms: true,
            meta: { ip: null, userAgent: null, requestId: null },
          },
        );
        return new URL(acceptUrl).hash.replace("#token=", "");
      };
      const accept = (token: string, name: string) =>
        h.app.inject({
          method: "POST",
          url: `/api/invitations/${token}/accept`,
          payload: { name, password: "a long and unusual passphrase 77" },
        });
      const token = await invite("named.person@example.com");
      for (const name of ["Eve\u200b", "\u202eeve", "Eve\u0085"]) {
        const refused = await accept(token, name);
        expect(refused.statusCode, refused.body).toBe(400);
        expect(refused.json().error.code).toBe("validation_failed");
        expect(refused.json().error.details.field).toBe("name");
      }
      const accepted = await accept(token, "李小龍");
      expect(accepted.statusCode, accepted.body).toBe(200);
    });

    it("a company name with a format character is refused by the service too", async () => {
      const attempt = createCompany(h.db, {
        company: { name: "Acme\u200b", legalName: "Acme Ltd" },
        firstAdminAccountId: null,
        actor: null,
        meta: { ip: null, userAgent: null, requestId: null },
        now: h.clock.now(),
      });
      await expect(attempt).rejects.toBeInstanceOf(AppError);
      await expect(attempt).rejects.toMatchObject({ code: "validation_failed", details: { field: "name" } });
    });
  });
});
