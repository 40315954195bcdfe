// SPEC §6.5 and §6.8, webhooks: a Developer (webhooks.manage) adds an endpoint under step-up and
// sees its secret once; every member, invitation and role change queues its event in the change's
// transaction; a real receiver on loopback gets each one signed, in order, retried with backoff,
// with both signatures for 24 h after a rotation; 3 days of failures disable the endpoint and mail
// the Admins; the delivery log and redelivery.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { hostResolver } from "../server/webhooks/address-guard.js";
import { WebhookDispatcher } from "../server/webhooks/dispatcher.js";
import { WEBHOOK_EVENT_TYPES } from "../server/webhooks/events.js";
import { WebhookMetrics } from "../server/webhooks/metrics.js";
import { webhookSender } from "../server/webhooks/sender.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import {
  type Receiver,
  startReceiver,
  v1Signatures,
  verifyPortalSignature,
} from "./support/webhook-receiver.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TOKEN_IN_LINK = /#token=([A-Za-z0-9_-]{43})\b/;

describe.each(testDatabaseKinds)("SPEC 6.5: webhook delivery on %s", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  let admin: string;
  let developer: string;
  let developerAccount: Awaited<ReturnType<Harness["member"]>>;
  let dispatcher: WebhookDispatcher;
  const metrics = new WebhookMetrics();
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Hook Co");
    developerAccount = await h.member(company, ["developer"]);
    admin = await h.login(company.admin.email);
    await h.elevate(admin);
    developer = await h.login(developerAccount.email);
    await h.elevate(developer);
    dispatcher = new WebhookDispatcher({
      db: h.db,
      clock: h.clock,
      secretKey: h.config.mfaSecretKey,
      metrics,
      send: webhookSender({ resolve: hostResolver([]), guard: false }),
    });
  });
  /** Fresh, verified sessions: tests move the clock past the idle timeout. */
  async function signIn() {
    admin = await h.login(company.admin.email);
    await h.elevate(admin);
    developer = await h.login(developerAccount.email);
    await h.elevate(developer);
  }
  beforeEach(signIn);
  afterEach(async () => {
    // Each test starts with no endpoint: deleting one drops its queue.
    await h.db.deleteFrom("webhook_endpoints").where("company_id", "=", company.id).execute();
    for (const receiver of receivers.splice(0)) await receiver.close();
  });
  afterAll(() => h?.close());

  const webhooksUrl = () => `/api/companies/${company.id}/webhooks`;

  async function receiver(options: Parameters<typeof startReceiver>[0] = {}) {
    const started = await startReceiver(options);
    receivers.push(started);
    return started;
  }

  async function addEndpoint(url: string, events: string[] = [...WEBHOOK_EVENT_TYPES]) {
    const created = await h.inject(developer, {
      method: "POST",
      url: webhooksUrl(),
      payload: { url, events },
    });
    expect(created.statusCode, created.body).toBe(201);
    return created.json() as { id: string; secret: string };
  }

  /** Runs delivery rounds until one finds nothing due. */
  async function drain(): Promise<void> {
    for (let round = 0; round < 50; round += 1) {
      const { delivered, failed } = await dispatcher.runOnce();
      if (delivered + failed === 0) return;
    }
    throw new Error("the queue did not drain");
  }

  const nowSeconds = () => Math.floor(h.clock.now().getTime() / 1000);

  it("creates an endpoint only for webhooks.manage after a step-up, answers its secret once and audits without it", async () => {
    const target = await receiver();
    const refused = await h.inject(admin, {
      method: "POST",
      url: webhooksUrl(),
      payload: { url: target.url, events: ["role.created"] },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("forbidden");
    const unverified = await h.login(developerAccount.email);
    const needsStepUp = await h.inject(unverified, {
      method: "POST",
      url: webhooksUrl(),
      payload: { url: target.url, events: ["role.created"] },
    });
    expect(needsStepUp.json().error.code).toBe("step_up_required");

    const created = await addEndpoint(target.url, ["role.created"]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await h.inject(developer, { url: webhooksUrl() });
    expect(listed.json().items).toEqual([
      expect.objectContaining({ id: created.id, url: target.url, events: ["role.created"], enabled: true }),
    ]);
    expect(listed.body).not.toContain(created.secret);
    const row = await h.db
      .selectFrom("webhook_endpoints")
      .select("secret_sealed")
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(created.secret);
    const events = await h.db
      .selectFrom("audit_events")
      .select(["action", "details"])
      .where("company_id", "=", company.id)
      .where("action", "like", "webhook.%")
      .execute();
    expect(events.map((e) => e.action)).toContain("webhook.endpoint_created");
    expect(JSON.stringify(events)).not.toContain(created.secret);

    const badUrl = await h.inject(developer, {
      method: "POST",
      url: webhooksUrl(),
      payload: { url: "ftp://example.com/x", events: ["role.created"] },
    });
    expect(badUrl.json().error.code).toBe("webhook_url_invalid");
    const badEvent = await h.inject(developer, {
      method: "POST",
      url: webhooksUrl(),
      payload: { url: target.url, events: ["member.exploded"] },
    });
    expect(badEvent.statusCode).toBe(400);
  });

  it("delivers every event type, each with a valid signature, in the order of the changes", async () => {
    const target = await receiver();
    const { secret } = await addEndpoint(target.url);
    const cid = company.id;
    // member.invited, then member.joined by accepting it.
    const email = `joiner.${kind}@example.com`;
    const invited = await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${cid}/invitations`,
      payload: { email, roleIds: [company.roleIds.operations], acceptTerms: true },
    });
    expect(invited.statusCode, invited.body).toBe(201);
    const mail = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", email)
      .executeTakeFirstOrThrow();
    const token = TOKEN_IN_LINK.exec(mail.text_body)?.[1];
    const accepted = await h.inject(null, {
      method: "POST",
      url: `/api/invitations/${token}/accept`,
      payload: { name: "Joe Joiner", password: "a long enough password 9" },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const joined = await h.db
      .selectFrom("members")
      .select("id")
      .where("company_id", "=", cid)
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    // member.roles_changed, member.deactivated, member.reactivated.
    const changed = await h.inject(admin, {
      method: "PUT",
      url: `/api/companies/${cid}/members/${joined.id}/roles`,
      payload: { roleIds: [company.roleIds.finance] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    for (const action of ["deactivate", "reactivate"]) {
      const response = await h.inject(admin, {
        method: "POST",
        url: `/api/companies/${cid}/members/${joined.id}/${action}`,
        payload: {},
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    // invitation.revoked.
    const second = await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${cid}/invitations`,
      payload: {
        email: `revoked.${kind}@example.com`,
        roleIds: [company.roleIds.operations],
        acceptTerms: true,
      },
    });
    const revoked = await h.inject(admin, {
      method: "DELETE",
      url: `/api/companies/${cid}/invitations/${second.json().id}`,
    });
    expect(revoked.statusCode, revoked.body).toBe(204);
    // role.created, role.updated, role.deleted.
    const role = await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${cid}/roles`,
      payload: { name: "Hook watchers", permissions: ["transactions.view"] },
    });
    expect(role.statusCode, role.body).toBe(201);
    const roleUrl = `/api/companies/${cid}/roles/${role.json().id}`;
    expect(
      (await h.inject(admin, { method: "PATCH", url: roleUrl, payload: { description: "Watch" } }))
        .statusCode,
    ).toBe(200);
    expect((await h.inject(admin, { method: "DELETE", url: roleUrl })).statusCode).toBe(204);

    await drain();
    expect(target.received.map((r) => r.payload.type)).toEqual([
      "member.invited",
      "member.joined",
      "member.roles_changed",
      "member.deactivated",
      "member.reactivated",
      "member.invited",
      "invitation.revoked",
      "role.created",
      "role.updated",
      "role.deleted",
    ]);
    for (const hook of target.received) {
      expect(
        verifyPortalSignature(hook.signature, hook.body, [secret], nowSeconds()),
        hook.payload.type,
      ).toBe(true);
      expect(verifyPortalSignature(hook.signature, hook.body, ["whsec_wrong"], nowSeconds())).toBe(false);
      expect(hook.payload).toMatchObject({ companyId: cid, createdAt: h.clock.now().toISOString() });
      expect(hook.payload.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(target.received.map((r) => r.payload.type))).toEqual(new Set(WEBHOOK_EVENT_TYPES));
    const rolesChanged = target.received.find((r) => r.payload.type === "member.roles_changed")!;
    expect(rolesChanged.payload.data).toMatchObject({
      memberId: joined.id,
      email,
      roles: [expect.objectContaining({ key: "finance" })],
      previousRoles: [expect.objectContaining({ key: "operations" })],
    });
    // A signature older than 5 minutes is refused by the documented check.
    const first = target.received[0]!;
    expect(verifyPortalSignature(first.signature, first.body, [secret], nowSeconds() + 301)).toBe(false);
  });

  it("queues nothing for a change that was refused, and only the subscribed types", async () => {
    const target = await receiver();
    await addEndpoint(target.url, ["role.deleted"]);
    const role = await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${company.id}/roles`,
      payload: { name: "Not subscribed", permissions: ["transactions.view"] },
    });
    expect(role.statusCode).toBe(201);
    // A refused change (Admins cannot change their own roles) queues no event.
    const refused = await h.inject(admin, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${company.admin.memberId}/roles`,
      payload: { roleIds: [company.roleIds.finance] },
    });
    expect(refused.statusCode).toBe(403);
    await drain();
    expect(target.received).toEqual([]);
    await h.inject(admin, { method: "DELETE", url: `/api/companies/${company.id}/roles/${role.json().id}` });
    await drain();
    expect(target.received.map((r) => r.payload.type)).toEqual(["role.deleted"]);
  });

  it("a backlog for one endpoint leaves one event after another, without waiting for the next poll", async () => {
    const target = await receiver();
    await addEndpoint(target.url, ["role.created"]);
    const names = ["Backlog one", "Backlog two", "Backlog three", "Backlog four"];
    for (const name of names) {
      const created = await h.inject(admin, {
        method: "POST",
        url: `/api/companies/${company.id}/roles`,
        payload: { name, permissions: ["transactions.view"] },
      });
      expect(created.statusCode, created.body).toBe(201);
    }
    // A batch takes one event per endpoint; with an hour between polls, the four arrive in time
    // only if a batch that went out is followed at once.
    const polling = new WebhookDispatcher({
      db: h.db,
      clock: h.clock,
      secretKey: h.config.mfaSecretKey,
      send: webhookSender({ resolve: hostResolver([]), guard: false }),
      pollMs: 60 * MINUTE,
    });
    polling.start();
    try {
      await vi.waitFor(() => expect(target.received).toHaveLength(names.length), {
        timeout: 20_000,
        interval: 20,
      });
    } finally {
      await polling.stop();
    }
    expect(target.received.map((hook) => hook.payload.data.name)).toEqual(names);
  });

  it("a receiver answering 500 twice gets the event on the third try, later events waiting behind it", async () => {
    const target = await receiver({ statuses: [500, 500] });
    const endpoint = await addEndpoint(target.url, ["role.created"]);
    for (const name of ["Retry one", "Retry two"]) {
      await h.inject(admin, {
        method: "POST",
        url: `/api/companies/${company.id}/roles`,
        payload: { name, permissions: ["transactions.view"] },
      });
    }
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, failed: 1 });
    // Not due yet: the backoff holds it; the second event waits behind the first (order per endpoint).
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, failed: 0 });
    h.clock.advance(MINUTE);
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, failed: 1 });
    h.clock.advance(MINUTE);
    await drain();
    const names = target.received.map((r) => r.payload.data.name);
    expect(names).toEqual(["Retry one", "Retry one", "Retry one", "Retry two"]);
    expect(new Set(target.received.slice(0, 3).map((r) => r.payload.id)).size).toBe(1);
    const log = await h.inject(developer, { url: `${webhooksUrl()}/${endpoint.id}/deliveries` });
    expect(log.statusCode).toBe(200);
    expect(log.json()).toMatchObject({ total: 2, totalExact: true, nextCursor: null });
    const [second, first] = log.json().items;
    expect(first).toMatchObject({
      status: "delivered",
      attempts: 3,
      lastStatusCode: 200,
      lastResponseExcerpt: "ok",
    });
    expect(second).toMatchObject({ status: "delivered", attempts: 1 });
    expect(first.lastDurationMs).toBeGreaterThanOrEqual(0);
    const failures = await metrics.failures.get();
    expect(failures.values.find((v) => v.labels.endpoint_id === endpoint.id)?.value).toBe(2);
  });

  it("a receiver down during a role change receives the event once it is back", async () => {
    const target = await receiver();
    await addEndpoint(target.url, ["member.roles_changed"]);
    const port = target.port;
    await target.close();
    receivers.splice(receivers.indexOf(target), 1);
    const member = await h.member(company, ["operations"]);
    const changed = await h.inject(admin, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${member.memberId}/roles`,
      payload: { roleIds: [company.roleIds.finance] },
    });
    expect(changed.statusCode).toBe(200);
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, failed: 1 });
    const pending = await h.db
      .selectFrom("webhook_deliveries")
      .select(["status", "last_error", "last_status_code"])
      .where("company_id", "=", company.id)
      .executeTakeFirstOrThrow();
    expect(pending).toMatchObject({ status: "pending", last_status_code: null });
    expect(pending.last_error).toMatch(/ECONNREFUSED/);
    const back = await receiver({ port });
    h.clock.advance(MINUTE);
    await drain();
    expect(back.received.map((r) => [r.payload.type, r.payload.data.memberId])).toEqual([
      ["member.roles_changed", member.memberId],
    ]);
  });

  it("after a rotation, sends both signatures for 24 hours, then only the new one", async () => {
    const target = await receiver();
    const endpoint = await addEndpoint(target.url, ["role.created"]);
    const rotated = await h.inject(developer, {
      method: "POST",
      url: `${webhooksUrl()}/${endpoint.id}/rotate-secret`,
      payload: {},
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const newSecret = rotated.json().secret as string;
    expect(newSecret).not.toBe(endpoint.secret);
    expect(rotated.json().previousSecretExpiresAt).toBe(
      new Date(h.clock.now().getTime() + 24 * HOUR).toISOString(),
    );
    const createRole = (name: string) =>
      h.inject(admin, {
        method: "POST",
        url: `/api/companies/${company.id}/roles`,
        payload: { name, permissions: ["transactions.view"] },
      });
    await createRole("Rotated one");
    await drain();
    h.clock.advance(24 * HOUR - 60_000);
    await signIn();
    await createRole("Rotated two");
    await drain();
    h.clock.advance(2 * 60_000);
    await createRole("Rotated three");
    await drain();
    const [one, two, three] = target.received;
    for (const hook of [one!, two!]) {
      expect(v1Signatures(hook.signature)).toHaveLength(2);
      const at = Number(/t=(\d+)/.exec(hook.signature)?.[1]);
      expect(verifyPortalSignature(hook.signature, hook.body, [endpoint.secret], at)).toBe(true);
      expect(verifyPortalSignature(hook.signature, hook.body, [newSecret], at)).toBe(true);
    }
    expect(v1Signatures(three!.signature)).toHaveLength(1);
    expect(verifyPortalSignature(three!.signature, three!.body, [newSecret], nowSeconds())).toBe(true);
    expect(verifyPortalSignature(three!.signature, three!.body, [endpoint.secret], nowSeconds())).toBe(false);
  });

  it("after 3 days of failures, disables the endpoint, mails the Admins and audits it; enabling resumes in order", async () => {
    const target = await receiver({ statuses: Array(200).fill(503) });
    const endpoint = await addEndpoint(target.url, ["role.created"]);
    await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${company.id}/roles`,
      payload: { name: "Never heard", permissions: ["transactions.view"] },
    });
    const startedAt = h.clock.now().getTime();
    const waits: number[] = [];
    for (let round = 0; round < 100; round += 1) {
      await dispatcher.runOnce();
      const state = await h.db
        .selectFrom("webhook_deliveries")
        .innerJoin("webhook_endpoints", "webhook_endpoints.id", "webhook_deliveries.endpoint_id")
        .select(["webhook_endpoints.enabled", "webhook_deliveries.next_attempt_at"])
        .where("webhook_endpoints.id", "=", endpoint.id)
        .executeTakeFirstOrThrow();
      if (!state.enabled) break;
      const wait = new Date(state.next_attempt_at).getTime() - h.clock.now().getTime();
      waits.push(wait);
      h.clock.advance(wait);
    }
    // Exponential backoff with jitter: 10 s ±20 %, then doubling, up to 6 hours, for 3 days.
    expect(waits[0]).toBeGreaterThanOrEqual(8_000);
    expect(waits[0]).toBeLessThanOrEqual(12_000);
    expect(waits[4]).toBeGreaterThanOrEqual(16 * 8_000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(6 * HOUR * 1.2);
    expect(h.clock.now().getTime() - startedAt).toBeGreaterThan(3 * 24 * HOUR - 7.2 * HOUR);
    expect(target.received.length).toBe(waits.length + 1);
    await signIn();
    const listed = (await h.inject(developer, { url: webhooksUrl() })).json().items[0];
    expect(listed).toMatchObject({ enabled: false, disabledReason: "failing" });
    const mails = await h.db
      .selectFrom("mail_outbox")
      .select(["to_address", "subject"])
      .where("kind", "=", "webhook_endpoint_disabled")
      .execute();
    expect(mails).toEqual([
      { to_address: company.admin.email, subject: "A webhook endpoint of Hook Co was disabled" },
    ]);
    const audited = await h.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "=", "webhook.endpoint_disabled")
      .where("target_id", "=", endpoint.id)
      .execute();
    expect(audited).toHaveLength(1);
    const log = (await h.inject(developer, { url: `${webhooksUrl()}/${endpoint.id}/deliveries` })).json();
    expect(log.items[0]).toMatchObject({ status: "failed", lastStatusCode: 503 });

    // Redelivery queues the same event again; it goes once the endpoint is enabled.
    const redelivered = await h.inject(developer, {
      method: "POST",
      url: `${webhooksUrl()}/deliveries/${log.items[0].id}/redeliver`,
      payload: {},
    });
    expect(redelivered.statusCode, redelivered.body).toBe(202);
    expect(redelivered.json()).toMatchObject({ status: "pending", redeliveryOf: log.items[0].id });
    const sentBefore = target.received.length;
    await drain();
    expect(target.received).toHaveLength(sentBefore);
    const enabled = await h.inject(developer, {
      method: "PATCH",
      url: `${webhooksUrl()}/${endpoint.id}`,
      payload: { enabled: true },
    });
    expect(enabled.json()).toMatchObject({ enabled: true, disabledReason: null });
    target.answerWith(200);
    target.received.splice(0);
    // The receiver's queue of 503s: replace it by success.
    await target.close();
    receivers.splice(receivers.indexOf(target), 1);
    const fresh = await receiver({ port: target.port });
    await drain();
    expect(fresh.received.map((r) => r.payload.data.name)).toEqual(["Never heard"]);
  });

  it("another company's Developer cannot see or touch this company's endpoints or deliveries", async () => {
    const target = await receiver();
    const endpoint = await addEndpoint(target.url, ["role.created"]);
    const other = await h.company("Other Hook Co");
    const otherDeveloper = await h.member(other, ["developer"]);
    const cookie = await h.login(otherDeveloper.email);
    await h.elevate(cookie);
    const base = `/api/companies/${other.id}/webhooks`;
    for (const request of [
      { method: "PATCH", url: `${base}/${endpoint.id}`, payload: { enabled: false } },
      { method: "DELETE", url: `${base}/${endpoint.id}` },
      { method: "POST", url: `${base}/${endpoint.id}/rotate-secret`, payload: {} },
      { method: "GET", url: `${base}/${endpoint.id}/deliveries` },
    ]) {
      const response = await h.inject(cookie, request);
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(404);
    }
    const theirs = await h.inject(cookie, { url: base });
    expect(theirs.json().items).toEqual([]);
    const stillThere = await h.inject(developer, { url: webhooksUrl() });
    expect(stillThere.json().items[0]).toMatchObject({ id: endpoint.id, enabled: true });
  });
});
