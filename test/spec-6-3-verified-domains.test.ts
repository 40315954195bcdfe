// SPEC §6.3, verified domains: a company proves a domain with the DNS TXT record
// `portal-verification=<token>`, read through DNS_SERVERS (a real DNS server on loopback here); a
// domain belongs to at most one company; every change needs security.manage and a step-up, audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { type DnsServer, startDnsServer } from "./support/dns-server.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)("SPEC 6.3: verified domains on %s", (kind) => {
  let h: Harness;
  let dns: DnsServer;
  beforeAll(async () => {
    dns = await startDnsServer();
    h = await createHarness(kind, { env: { DNS_SERVERS: `127.0.0.1:${dns.port}` } });
  });
  afterAll(async () => {
    await h?.close();
    await dns?.close();
  });

  const domainsUrl = (companyId: string) => `/api/companies/${companyId}/domains`;

  async function adminOf(name: string) {
    const company = await h.company(name);
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie, company.id);
    return { company, cookie };
  }

  async function add(cookie: string, companyId: string, domain: string) {
    const response = await h.inject(cookie, {
      method: "POST",
      url: domainsUrl(companyId),
      payload: { domain },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as {
      id: string;
      domain: string;
      status: string;
      txtRecord: { name: string; value: string };
    };
  }

  const verify = (cookie: string, companyId: string, domainId: string) =>
    h.inject(cookie, { method: "POST", url: `${domainsUrl(companyId)}/${domainId}/verify` });

  async function auditActions(companyId: string) {
    const rows = await h.db
      .selectFrom("audit_events")
      .select(["action", "outcome", "details", "actor_account_id"])
      .where("company_id", "=", companyId)
      .where("action", "like", "domain.%")
      .orderBy("occurred_at")
      .execute();
    return rows;
  }

  it("adds a domain in canonical form with the TXT record to publish, and verifies it once the record is there", async () => {
    const { company, cookie } = await adminOf("Right Record Co");
    const added = await add(cookie, company.id, "  Right-Record.EXAMPLE ");
    expect(added.domain).toBe("right-record.example");
    expect(added.status).toBe("pending");
    expect(added.txtRecord.name).toBe("right-record.example");
    expect(added.txtRecord.value).toMatch(/^portal-verification=[0-9a-f]{32}$/);

    // Published among other TXT records, one of them split in character-strings as long records are.
    dns.setRecords({
      "right-record.example": {
        TXT: ["v=spf1 -all", [added.txtRecord.value.slice(0, 10), added.txtRecord.value.slice(10)]],
      },
    });
    const verified = await verify(cookie, company.id, added.id);
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ id: added.id, status: "verified" });
    expect(verified.json().verifiedAt).toBe(h.clock.now().toISOString());

    const listed = await h.inject(cookie, { url: domainsUrl(company.id) });
    expect(listed.json().items).toEqual([expect.objectContaining({ id: added.id, status: "verified" })]);
    expect((await auditActions(company.id)).map((e) => [e.action, e.outcome]).sort()).toEqual([
      ["domain.added", "success"],
      ["domain.verified", "success"],
    ]);
  });

  it("refuses to verify with a wrong TXT value, with none at all, or with another domain's record", async () => {
    const { company, cookie } = await adminOf("Wrong Record Co");
    const added = await add(cookie, company.id, "wrong-record.example");
    const other = await add(cookie, company.id, "other-record.example");

    dns.setRecords({
      "wrong-record.example": { TXT: ["portal-verification=0123456789abcdef0123456789abcdef"] },
      // The right value at another name proves nothing about this one.
      "sub.wrong-record.example": { TXT: [added.txtRecord.value] },
      "other-record.example": { TXT: [`${added.txtRecord.value}`] },
    });
    for (const domainId of [added.id, other.id]) {
      const refused = await verify(cookie, company.id, domainId);
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json().error.code).toBe("domain_verification_failed");
    }
    dns.setRecords({});
    const missing = await verify(cookie, company.id, added.id);
    expect(missing.statusCode).toBe(409);
    expect(missing.json().error.code).toBe("domain_verification_failed");
    expect(missing.json().error.details).toMatchObject({
      domain: "wrong-record.example",
      txtRecordsFound: 0,
    });

    const listed = (await h.inject(cookie, { url: domainsUrl(company.id) })).json().items;
    expect(listed.map((d: { status: string }) => d.status)).toEqual(["pending", "pending"]);
    const failures = (await auditActions(company.id)).filter(
      (e) => e.action === "domain.verification_failed",
    );
    expect(failures).toHaveLength(3);
    expect(failures.every((e) => e.outcome === "failure" && e.actor_account_id === company.admin.id)).toBe(
      true,
    );
  });

  it("keeps a verified domain to one company: another company's proof of it gets 409 domain_taken", async () => {
    const first = await adminOf("First Owner Co");
    const second = await adminOf("Second Claimer Co");
    const mine = await add(first.cookie, first.company.id, "contested.example");
    const theirs = await add(second.cookie, second.company.id, "contested.example");
    expect(theirs.txtRecord.value).not.toBe(mine.txtRecord.value);
    dns.setRecords({ "contested.example": { TXT: [mine.txtRecord.value, theirs.txtRecord.value] } });

    expect((await verify(first.cookie, first.company.id, mine.id)).statusCode).toBe(200);
    const taken = await verify(second.cookie, second.company.id, theirs.id);
    expect(taken.statusCode, taken.body).toBe(409);
    expect(taken.json().error.code).toBe("domain_taken");
    const audited = (await auditActions(second.company.id)).find((e) => e.action !== "domain.added");
    expect(audited).toMatchObject({ action: "domain.verification_failed", outcome: "failure" });
    expect(audited?.details).toMatchObject({ reason: "domain_taken" });

    // Once the first company removes it, the second may prove it.
    const removed = await h.inject(first.cookie, {
      method: "DELETE",
      url: `${domainsUrl(first.company.id)}/${mine.id}`,
    });
    expect(removed.statusCode).toBe(204);
    expect((await verify(second.cookie, second.company.id, theirs.id)).statusCode).toBe(200);
  });

  it("lets a company use an email domain that another company's members have: only verification is owned", async () => {
    const other = await adminOf("Members Elsewhere Co");
    await h.account("someone@shared-mail.example");
    const { company, cookie } = await adminOf("Claims Shared Co");
    void other;
    const added = await add(cookie, company.id, "shared-mail.example");
    dns.setRecords({ "shared-mail.example": { TXT: [added.txtRecord.value] } });
    expect((await verify(cookie, company.id, added.id)).statusCode).toBe(200);
  });

  it("needs a step-up to change, security.manage to read, refuses bad names, duplicates, and other companies' ids", async () => {
    const company = await h.company("Guarded Domains Co");
    const finance = await h.member(company, ["finance"]);
    const cookie = await h.login(company.admin.email);
    const unverified = await h.inject(cookie, {
      method: "POST",
      url: domainsUrl(company.id),
      payload: { domain: "guarded.example" },
    });
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json().error.code).toBe("step_up_required");
    const notAdmin = await h.inject(await h.login(finance.email), { url: domainsUrl(company.id) });
    expect(notAdmin.statusCode).toBe(403);

    await h.elevate(cookie, company.id);
    for (const domain of ["not a domain", "localhost", "exa\u200bmple.com", "a@b.example", ""]) {
      const bad = await h.inject(cookie, {
        method: "POST",
        url: domainsUrl(company.id),
        payload: { domain },
      });
      expect(bad.statusCode, domain).toBe(400);
    }
    const unknownField = await h.inject(cookie, {
      method: "POST",
      url: domainsUrl(company.id),
      payload: { domain: "guarded.example", verifiedAt: "2026-01-01T00:00:00Z" },
    });
    expect(unknownField.statusCode).toBe(400);
    const added = await add(cookie, company.id, "guarded.example");
    const again = await h.inject(cookie, {
      method: "POST",
      url: domainsUrl(company.id),
      payload: { domain: "GUARDED.example" },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("domain_already_added");

    const stranger = await adminOf("Stranger Domains Co");
    const crossVerify = await verify(stranger.cookie, stranger.company.id, added.id);
    expect(crossVerify.statusCode).toBe(404);
    const crossDelete = await h.inject(stranger.cookie, {
      method: "DELETE",
      url: `${domainsUrl(stranger.company.id)}/${added.id}`,
    });
    expect(crossDelete.statusCode).toBe(404);
    const crossCompany = await h.inject(stranger.cookie, { url: domainsUrl(company.id) });
    expect(crossCompany.statusCode).toBe(404);
  });
});
