// SPEC §6.7: the audit log reads in sentences with people's names, and its details in words. Every
// action of the server's catalogue has its sentence (a missing one fails here, not in front of a
// reader), and no sentence or detail shows a raw key.
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "../server/audit/actions.js";
import { AUDIT_SENTENCES, describeAuditEvent } from "../web/src/components/audit/auditSentences.js";
import { describeAuditDetails } from "../web/src/components/audit/describeAuditEvent.js";

type Event = Parameters<typeof describeAuditEvent>[0];

const ada = {
  accountId: "5f0c6f7e-8d0a-4c47-9a53-0a1f4b2c9d11",
  email: "ada@example.com",
  name: "Ada Admin",
};
const boLee = {
  type: "member",
  id: "0e6a2a1c-3b7d-4f1e-8c55-9d2b7c1e4a22",
  name: "Bo Lee",
  email: "bo@example.com",
};

function event(action: string, details: Record<string, unknown>, overrides: Partial<Event> = {}): Event {
  return { action, outcome: "success", actor: ada, target: boLee, details, ...overrides };
}

/** Details of every kind the server records, so each sentence has what it may read. */
const richDetails = {
  email: "cy@example.com",
  reason: "step_up_required",
  roles: [{ id: boLee.id, name: "Developer" }],
  before: { roles: [{ id: boLee.id, key: "finance", name: "Finance" }] },
  after: { roles: [{ id: boLee.id, key: "operations", name: "Operations" }] },
  name: "Support",
};

// A raw key: snake_case or a dotted action name, or a value that never became words.
const RAW = /[a-z]+_[a-z]+|\b[a-z]+\.[a-z_]+\b(?!@)|undefined|null|\[object/;

describe("SPEC §6.7: the audit log in sentences", () => {
  it("has a sentence for every action of the server's catalogue", () => {
    const missing = AUDIT_ACTIONS.filter((action) => !Object.hasOwn(AUDIT_SENTENCES, action));
    expect(missing).toEqual([]);
  });

  it.each(AUDIT_ACTIONS)("writes %s as a sentence without raw keys", (action) => {
    for (const details of [richDetails, {}]) {
      const sentence = describeAuditEvent(event(action, details));
      expect(sentence).toMatch(/^[A-Z].*\.$/);
      expect(sentence.replaceAll(/\S+@example\.com/g, "")).not.toMatch(RAW);
    }
    const bySystem = describeAuditEvent(event(action, richDetails, { actor: null, target: null }));
    expect(bySystem.replaceAll(/\S+@example\.com/g, "")).not.toMatch(RAW);
  });

  it("names the actor and the target member, with the roles before and after", () => {
    expect(describeAuditEvent(event("member.roles_changed", richDetails))).toBe(
      "Ada Admin changed Bo Lee's roles from Finance to Operations.",
    );
  });

  it("falls back to the email of an actor or target the company no longer has as a member", () => {
    const sentence = describeAuditEvent(
      event(
        "member.deactivated",
        { email: "bo@example.com" },
        {
          actor: { ...ada, name: null },
          target: { ...boLee, name: null, email: null },
        },
      ),
    );
    expect(sentence).toBe("ada@example.com deactivated bo@example.com.");
  });

  it("says who was invited and as what, and why a login failed", () => {
    expect(describeAuditEvent(event("invitation.created", { ...richDetails, reason: undefined }))).toBe(
      "Ada Admin invited cy@example.com as Developer.",
    );
    expect(
      describeAuditEvent(
        event("auth.login_failed", { email: "dee@example.com", accountExists: true }, { actor: null }),
      ),
    ).toBe("Login failed for dee@example.com: wrong password.");
  });

  it("says a refusal was refused, and why, in words", () => {
    expect(
      describeAuditEvent(
        event("member.roles_change_refused", { reason: "step_up_required" }, { outcome: "denied" }),
      ),
    ).toBe("Ada Admin's change of Bo Lee's roles was refused: step-up required.");
  });

  it("writes details in words: a reason, a wait, a count, no ids", () => {
    expect(
      describeAuditDetails("invitation.create_refused", {
        email: "cy@example.com",
        reason: "invitation_rate_limited",
        retryAfterSeconds: 46,
      }),
    ).toBe("rate limit reached; retry after 46 s");
    expect(
      describeAuditDetails("auth.login_locked", {
        email: "dee@example.com",
        consecutiveFailures: 5,
        device: "unknown",
        deviceId: boLee.id,
        lockedMinutes: 15,
        unlockLinkMailed: true,
      }),
    ).toBe("5 failures in a row; from an unknown device; locked for 15 min; unlock link emailed");
    expect(
      describeAuditDetails("role.updated", {
        before: { name: "Ops", permissions: ["transactions.view"] },
        after: { name: "Operations", permissions: ["transactions.view"] },
      }),
    ).toBe("name Ops → Operations");
  });
});
