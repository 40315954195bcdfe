import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { ADMIN_ROLE_KEY, PERMISSION_KEYS } from "./permissions.js";
import { decide, mayGrant, permissionsBeyondOwn, refuseGrantBeyondOwn } from "./policy.js";

const permission = fc.constantFrom(...PERMISSION_KEYS);
const permissions = fc.array(permission, { maxLength: 12 });
const roleKeys = fc.array(fc.constantFrom("finance", "operations", "developer", "data_analytics", "custom"), {
  maxLength: 3,
});

describe("Issue 20 item 3: the rule-6 grant ceiling is one pure function in access/policy.ts", () => {
  it("names, once each and sorted, exactly the wanted permissions the actor does not hold", () => {
    fc.assert(
      fc.property(roleKeys, permissions, permissions, (keys, own, wanted) => {
        const beyond = permissionsBeyondOwn({ roleKeys: keys, permissions: own }, wanted);
        const expected = [...new Set(wanted.filter((p) => !own.includes(p)))].sort();
        expect(beyond).toEqual(expected);
        expect(mayGrant({ roleKeys: keys, permissions: own }, wanted)).toBe(expected.length === 0);
      }),
    );
  });

  it("lets a holder of the Admin role grant anything, whatever their own permissions", () => {
    fc.assert(
      fc.property(roleKeys, permissions, permissions, (keys, own, wanted) => {
        const admin = { roleKeys: [...keys, ADMIN_ROLE_KEY], permissions: own };
        expect(permissionsBeyondOwn(admin, wanted)).toEqual([]);
        expect(() => refuseGrantBeyondOwn(admin, wanted)).not.toThrow();
      }),
    );
  });

  it("refuses with grant_exceeds_own naming what lies beyond, and lets the rest through", () => {
    const actor = { roleKeys: ["finance"], permissions: ["transactions.view"] };
    expect(() => refuseGrantBeyondOwn(actor, ["transactions.view"])).not.toThrow();
    let refusal: unknown;
    try {
      refuseGrantBeyondOwn(actor, ["settlements.view", "audit.view", "transactions.view", "audit.view"]);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe("grant_exceeds_own");
    expect((refusal as AppError).details).toEqual({ permissions: ["audit.view", "settlements.view"] });
  });
});

describe("SPEC 6.2: a company that requires a second factor, in the pure decision", () => {
  const member = {
    memberId: "m",
    status: "active" as const,
    roleKeys: [ADMIN_ROLE_KEY],
    permissions: [...PERMISSION_KEYS],
    mfaEnrolmentRequired: true,
  };

  it("refuses every route of the company to an active member who must enrol, whatever they hold", () => {
    expect(decide({ kind: "member" }, true, member)).toEqual({
      allowed: false,
      code: "mfa_enrolment_required",
    });
    for (const key of PERMISSION_KEYS) {
      expect(decide({ kind: "permission", permission: key }, true, member).allowed).toBe(false);
    }
  });

  it("leaves account-level routes open, and answers a non-member not_found as before", () => {
    expect(decide({ kind: "session" }, true, member)).toEqual({ allowed: true });
    expect(decide({ kind: "member" }, true, { ...member, status: "deactivated" })).toEqual({
      allowed: false,
      code: "not_found",
    });
    expect(decide({ kind: "member" }, true, { ...member, mfaEnrolmentRequired: false })).toEqual({
      allowed: true,
    });
  });
});
