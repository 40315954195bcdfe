// SPEC §6.7 "Invitations of every status in one list with the member search applied": the list
// route keeps its default (every status, newest first) and takes an optional `status` (one or
// several, comma-separated) and `search` (the member search's text, matched on the email); a bad
// status is a 400 and neither filter ever reaches another company's invitations.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const DAY = 24 * 60 * 60_000;
const TOKEN_IN_LINK = /#token=([A-Za-z0-9_-]{43})\b/;

type Company = Awaited<ReturnType<Harness["company"]>>;
type ListedInvitation = { id: string; email: string; status: string; closedAt: string | null };
type Listed = { items: ListedInvitation[]; total: number; totalExact: boolean; nextCursor: string | null };

describe.each(testDatabaseKinds)("invitations of every status, searchable (%s)", (kind) => {
  let h: Harness;
  let alpha: Company;
  let beta: Company;
  let alphaAdmin: string;
  let betaAdmin: string;

  async function invite(company: Company, cookie: string, email: string): Promise<string> {
    const response = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations`,
      payload: { email, roleIds: [company.roleIds.finance], acceptTerms: true },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id;
  }

  async function list(cookie: string, company: Company, query = "") {
    return h.inject(cookie, { url: `/api/companies/${company.id}/invitations${query ? `?${query}` : ""}` });
  }

  async function listed(query = "", company = alpha, cookie = alphaAdmin): Promise<Listed> {
    const response = await list(cookie, company, query);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  const emailsOf = (page: Listed) => page.items.map((invitation) => invitation.email);

  beforeAll(async () => {
    h = await createHarness(kind);
    alpha = await h.company("Alpha Payments");
    beta = await h.company("Beta Payments");
    alphaAdmin = await h.login(alpha.admin.email);
    await h.elevate(alphaAdmin);

    // Oldest first: one that runs out, then (after its week) one accepted, one revoked, one pending.
    await invite(alpha, alphaAdmin, "cy.expired@alpha.example");
    h.clock.advance(8 * DAY);
    alphaAdmin = await h.login(alpha.admin.email);
    await h.elevate(alphaAdmin);
    betaAdmin = await h.login(beta.admin.email);
    await h.elevate(betaAdmin);
    await invite(alpha, alphaAdmin, "dee.accepted@alpha.example");
    const mail = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", "dee.accepted@alpha.example")
      .executeTakeFirstOrThrow();
    const token = TOKEN_IN_LINK.exec(mail.text_body)?.[1];
    const accepted = await h.inject(null, {
      method: "POST",
      url: `/api/invitations/${token}/accept`,
      payload: { name: "Dee Accepted", password: "Juniper-Orbit-Candle-5521" },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    h.clock.advance(60_000);
    const revokedId = await invite(alpha, alphaAdmin, "bo.revoked@alpha.example");
    const revoked = await h.inject(alphaAdmin, {
      method: "DELETE",
      url: `/api/companies/${alpha.id}/invitations/${revokedId}`,
    });
    expect(revoked.statusCode, revoked.body).toBe(204);
    h.clock.advance(60_000);
    await invite(alpha, alphaAdmin, "ada.pending@alpha.example");

    // Another company invites addresses the same searches would find.
    await invite(beta, betaAdmin, "ada.pending@beta.example");
    await invite(beta, betaAdmin, "ada.other@alpha.example");
  });

  afterAll(async () => {
    await h?.close();
  });

  it("without filters lists every status, newest first, as before", async () => {
    const page = await listed();
    expect(page.items.map((invitation) => [invitation.email, invitation.status])).toEqual([
      ["ada.pending@alpha.example", "pending"],
      ["bo.revoked@alpha.example", "revoked"],
      ["dee.accepted@alpha.example", "accepted"],
      ["cy.expired@alpha.example", "expired"],
    ]);
    expect(page).toMatchObject({ total: 4, totalExact: true, nextCursor: null });
  });

  it("tells when a closed invitation closed, and null while pending", async () => {
    const byEmail = new Map((await listed()).items.map((invitation) => [invitation.email, invitation]));
    expect(byEmail.get("ada.pending@alpha.example")?.closedAt).toBeNull();
    for (const email of [
      "bo.revoked@alpha.example",
      "dee.accepted@alpha.example",
      "cy.expired@alpha.example",
    ]) {
      expect(Date.parse(byEmail.get(email)?.closedAt ?? "")).not.toBeNaN();
    }
  });

  it("keeps one status, or several separated by commas", async () => {
    expect(emailsOf(await listed("status=pending"))).toEqual(["ada.pending@alpha.example"]);
    expect(emailsOf(await listed("status=accepted"))).toEqual(["dee.accepted@alpha.example"]);
    const closed = await listed("status=revoked,expired");
    expect(emailsOf(closed)).toEqual(["bo.revoked@alpha.example", "cy.expired@alpha.example"]);
    expect(closed.total).toBe(2);
    expect(emailsOf(await listed("status=expired,expired"))).toEqual(["cy.expired@alpha.example"]);
  });

  it("pages a filtered list by cursor", async () => {
    const first = await listed("status=pending,revoked,expired&limit=2");
    expect(emailsOf(first)).toEqual(["ada.pending@alpha.example", "bo.revoked@alpha.example"]);
    expect(first.total).toBe(3);
    expect(first.nextCursor).not.toBeNull();
    const second = await listed(
      `status=pending,revoked,expired&limit=2&cursor=${encodeURIComponent(first.nextCursor ?? "")}`,
    );
    expect(emailsOf(second)).toEqual(["cy.expired@alpha.example"]);
    expect(second.nextCursor).toBeNull();
  });

  it("searches the email as the member search does: case-insensitive substring, short terms from the start", async () => {
    expect(emailsOf(await listed("search=ADA"))).toEqual(["ada.pending@alpha.example"]);
    expect(emailsOf(await listed("search=evoked"))).toEqual(["bo.revoked@alpha.example"]);
    expect(emailsOf(await listed("search=%40alpha.example")).length).toBe(4);
    expect(emailsOf(await listed("search=bo"))).toEqual(["bo.revoked@alpha.example"]);
    // Under three characters only the beginning counts: "re" is inside "bo.revoked" but starts nothing.
    expect(emailsOf(await listed("search=re"))).toEqual([]);
    // LIKE's wildcards are plain characters.
    expect(emailsOf(await listed("search=%25"))).toEqual([]);
    expect(emailsOf(await listed("search=a_a"))).toEqual([]);
    expect(emailsOf(await listed("search=%20%20"))).toHaveLength(4);
  });

  it("combines the search with the status filter, and counts what matches", async () => {
    const page = await listed("search=alpha&status=accepted,pending");
    expect(emailsOf(page)).toEqual(["ada.pending@alpha.example", "dee.accepted@alpha.example"]);
    expect(page).toMatchObject({ total: 2, totalExact: true });
    expect(emailsOf(await listed("search=cy&status=pending"))).toEqual([]);
  });

  it("refuses an unknown, empty or malformed status with 400 validation_failed", async () => {
    for (const query of [
      "status=unknown",
      "status=",
      "status=pending,",
      "status=pending,,expired",
      "status=PENDING",
      "status=pending%20,expired",
      "status=pending&status=revoked",
      "search=a%00b",
      `search=${"a".repeat(255)}`,
    ]) {
      const response = await list(alphaAdmin, alpha, query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe("validation_failed");
    }
  });

  it("never shows another company's invitations, whatever the filters", async () => {
    // Beta invited "ada.other@alpha.example": Alpha's search for it finds nothing.
    expect(emailsOf(await listed("search=ada"))).not.toContain("ada.other@alpha.example");
    expect(emailsOf(await listed("search=ada.other"))).toEqual([]);
    expect(emailsOf(await listed("search=beta"))).toEqual([]);
    const betaPage = await listed("search=alpha&status=pending,accepted,revoked,expired", beta, betaAdmin);
    expect(emailsOf(betaPage)).toEqual(["ada.other@alpha.example"]);
    // Another company's list, filtered or not, answers like a company that does not exist.
    for (const query of ["", "status=pending", "search=ada", "status=revoked,expired&search=alpha"]) {
      const response = await list(betaAdmin, alpha, query);
      expect(response.statusCode, query).toBe(404);
    }
  });

  it("keeps the list behind members.invite: a Finance member is refused with 403", async () => {
    const finance = await h.member(alpha, ["finance"]);
    const cookie = await h.login(finance.email);
    const response = await list(cookie, alpha, "status=pending&search=ada");
    expect(response.statusCode).toBe(403);
  });
});
