import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADMIN_ROLE_KEY, PERMISSION_KEYS } from "../access/permissions.js";
import { unionOfPermissions } from "../access/policy.js";
import type { Scope } from "../access/scope.js";
import type { AppError } from "../errors.js";
import { type ChangeRequest, type ChangeStep, openChange, planChange } from "./change-plan.js";
import type { ChangeState, CompanyRole, Standing } from "./queries.js";

const ACTOR = "00000000-0000-4000-8000-0000000000a1";
const TARGET = "00000000-0000-4000-8000-0000000000b2";

const ROLES: CompanyRole[] = [
  { id: "r-admin", key: ADMIN_ROLE_KEY, name: "Admin", permissions: [...PERMISSION_KEYS].slice(0, 10) },
  {
    id: "r-finance",
    key: "finance",
    name: "Finance",
    permissions: ["transactions.view", "settlements.view"],
  },
  { id: "r-ops", key: "operations", name: "Operations", permissions: ["transactions.view"] },
  { id: "r-custom", key: null, name: "Custom", permissions: ["members.view", "members.edit_roles"] },
];

function standing(status: Standing["status"], roles: readonly CompanyRole[]): Standing {
  return {
    status,
    roleKeys: roles.flatMap((role) => (role.key ? [role.key] : [])),
    permissions: unionOfPermissions(roles),
  };
}

function state(input: {
  actorStatus?: Standing["status"] | null;
  actorRoles?: CompanyRole[];
  target?: { status: Standing["status"]; roles: CompanyRole[]; version: number } | null;
  requested?: string[];
  otherActiveAdmins?: number;
  actorVersion?: number | null;
  actorScope?: Scope;
  targetScope?: Scope;
}): ChangeState {
  const target =
    input.target === undefined ? { status: "active" as const, roles: [ROLES[2]!], version: 3 } : input.target;
  const isActiveAdmin =
    target?.status === "active" && target.roles.some((role) => role.key === ADMIN_ROLE_KEY);
  return {
    actor:
      input.actorStatus === null
        ? null
        : standing(input.actorStatus ?? "active", input.actorRoles ?? [ROLES[0]!]),
    target: target && {
      id: TARGET,
      account_id: "account",
      email: "target@example.com",
      name: "Target",
      status: target.status,
      joined_at: "2026-01-01T00:00:00.000Z",
      last_active_at: null,
      version: target.version,
      roles: target.roles.map(({ id, key, name }) => ({ id, key, name })),
      scope: input.targetScope ?? { kind: "all" },
      standing: standing(target.status, target.roles),
    },
    actorScope: input.actorScope ?? { kind: "all" },
    roles: ROLES.filter((role) => (input.requested ?? []).includes(role.id)),
    otherActiveAdmins: isActiveAdmin ? (input.otherActiveAdmins ?? 1) : null,
    actorVersion: input.actorVersion === undefined ? 7 : input.actorVersion,
    rolesVersion: 11,
    companyName: "Acme",
    targetPreferences: { language: null, time_zone: null },
  };
}

function rolesRequest(roleIds: string[], version?: number): ChangeRequest {
  return { actorMemberId: ACTOR, targetMemberId: TARGET, version, change: { kind: "roles", roleIds } };
}

function refusal(step: ChangeStep): string | undefined {
  return step.step === "refuse" ? (step.error as AppError).code : undefined;
}

describe("Issue 20 item 4: the member change's strategy is a pure planner", () => {
  it("refuses a change to oneself before anything is read (rule 5), whatever the case of the id", () => {
    const opening = openChange({ ...rolesRequest(["r-ops"]), targetMemberId: ACTOR.toUpperCase() });
    expect("refuse" in opening && opening.refuse.code).toBe("self_modification");
  });

  it("tries a roles change optimistically first, and deactivation and reactivation under the lock", () => {
    expect(openChange(rolesRequest(["r-ops"]))).toEqual({ path: "optimistic" });
    for (const kind of ["deactivate", "reactivate"] as const) {
      expect(
        openChange({ actorMemberId: ACTOR, targetMemberId: TARGET, version: undefined, change: { kind } }),
      ).toEqual({
        path: "locked",
      });
    }
  });

  it("writes an allowed roles change without the lock, on the versions it was decided on", () => {
    const step = planChange(rolesRequest(["r-finance"]), state({ requested: ["r-finance"] }), "optimistic");
    expect(step).toMatchObject({
      step: "write_roles",
      roles: [ROLES[1]],
      decidedOn: { actorMemberId: ACTOR, actorVersion: 7, targetVersion: 3, rolesVersion: 11 },
    });
  });

  it("leaves to the lock an active Admin losing the role, even with other Admins read (rule 4)", () => {
    const admin = { status: "active" as const, roles: [ROLES[0]!], version: 3 };
    const reading = state({ target: admin, requested: ["r-ops"], otherActiveAdmins: 2 });
    expect(planChange(rolesRequest(["r-ops"]), reading, "optimistic")).toEqual({ step: "lock" });
    expect(planChange(rolesRequest(["r-ops"]), reading, "locked")).toMatchObject({
      step: "write_roles",
      decidedOn: undefined,
    });
    const last = state({ target: admin, requested: ["r-ops"], otherActiveAdmins: 0 });
    expect(refusal(planChange(rolesRequest(["r-ops"]), last, "locked"))).toBe("last_admin");
  });

  it("refuses under the lock in the order the rules are checked", () => {
    const locked = (request: ChangeRequest, reading: ChangeState) =>
      refusal(planChange(request, reading, "locked"));
    expect(locked(rolesRequest(["r-ops"]), state({ actorStatus: "deactivated" }))).toBe("not_found");
    expect(locked(rolesRequest(["r-ops"]), state({ actorStatus: null }))).toBe("not_found");
    expect(locked(rolesRequest(["r-ops"]), state({ actorRoles: [ROLES[1]!] }))).toBe("forbidden");
    expect(locked(rolesRequest(["r-ops"]), state({ target: null }))).toBe("not_found");
    const delegate = [ROLES[3]!];
    const financeTarget = { status: "active" as const, roles: [ROLES[1]!], version: 3 };
    expect(locked(rolesRequest(["r-ops"]), state({ actorRoles: delegate, target: financeTarget }))).toBe(
      "grant_exceeds_own",
    );
    expect(locked(rolesRequest(["r-ops"], 2), state({ requested: ["r-ops"] }))).toBe("conflict");
    expect(locked(rolesRequest(["r-ops", "elsewhere"]), state({ requested: ["r-ops"] }))).toBe(
      "validation_failed",
    );
    expect(
      locked(rolesRequest(["r-finance"]), state({ actorRoles: delegate, requested: ["r-finance"] })),
    ).toBe("grant_exceeds_own");
  });

  it("answers the same roles again as unchanged under the lock", () => {
    expect(planChange(rolesRequest(["r-ops"]), state({ requested: ["r-ops"] }), "locked")).toMatchObject({
      step: "unchanged",
    });
  });

  it("deactivates and reactivates only from the other status, keeping an active Admin", () => {
    const request = (kind: "deactivate" | "reactivate"): ChangeRequest => ({
      actorMemberId: ACTOR,
      targetMemberId: TARGET,
      version: undefined,
      change: { kind },
    });
    const active = { status: "active" as const, roles: [ROLES[2]!], version: 3 };
    const deactivated = { ...active, status: "deactivated" as const };
    expect(planChange(request("deactivate"), state({ target: active }), "locked").step).toBe("deactivate");
    expect(refusal(planChange(request("deactivate"), state({ target: deactivated }), "locked"))).toBe(
      "conflict",
    );
    expect(planChange(request("reactivate"), state({ target: deactivated }), "locked").step).toBe(
      "reactivate",
    );
    expect(refusal(planChange(request("reactivate"), state({ target: active }), "locked"))).toBe("conflict");
    const lastAdmin = { status: "active" as const, roles: [ROLES[0]!], version: 3 };
    expect(
      refusal(
        planChange(request("deactivate"), state({ target: lastAdmin, otherActiveAdmins: 0 }), "locked"),
      ),
    ).toBe("last_admin");
  });

  it("never lets the optimistic path write what the locked path would not write the same way", () => {
    const roleIds = fc.uniqueArray(fc.constantFrom(...ROLES.map((role) => role.id), "elsewhere"), {
      minLength: 1,
      maxLength: 4,
    });
    const someRoles = fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 0, maxLength: 3 });
    const reading = fc.record({
      actorStatus: fc.constantFrom<Standing["status"] | null>("active", "deactivated", null),
      actorRoles: someRoles,
      target: fc.option(
        fc.record({
          status: fc.constantFrom<Standing["status"]>("active", "deactivated"),
          roles: someRoles,
          version: fc.integer({ min: 1, max: 4 }),
        }),
      ),
      otherActiveAdmins: fc.integer({ min: 0, max: 2 }),
      actorVersion: fc.option(fc.integer({ min: 1, max: 9 })),
    });
    fc.assert(
      fc.property(
        roleIds,
        fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        reading,
        (ids, version, facts) => {
          const request = rolesRequest(ids, version);
          const read = state({ ...facts, requested: ids });
          const optimistic = planChange(request, read, "optimistic");
          const locked = planChange(request, read, "locked");
          expect(["write_roles", "lock"]).toContain(optimistic.step);
          if (optimistic.step === "write_roles") {
            expect(locked).toMatchObject({ step: "write_roles", roles: optimistic.roles });
            expect(optimistic.decidedOn?.targetVersion).toBe(read.target?.version);
          }
          // Whatever the lock refuses, the optimistic path leaves to it, so it is recorded there.
          if (locked.step === "refuse") expect(optimistic.step).toBe("lock");
        },
      ),
    );
  });

  it("rule 6 with scope: a restricted actor grants only accounts of their own, and a new scope waits for the lock", () => {
    const own: Scope = { kind: "restricted", merchantAccountIds: ["a1", "a2"] };
    const sameRoles = [ROLES[2]!.id];
    const withScope = (scope: Scope): ChangeRequest => ({
      actorMemberId: ACTOR,
      targetMemberId: TARGET,
      version: undefined,
      change: { kind: "roles", roleIds: sameRoles, scope },
    });
    const read = state({
      requested: sameRoles,
      actorScope: own,
      targetScope: { kind: "restricted", merchantAccountIds: ["a1"] },
    });
    for (const wanted of [
      { kind: "all" } as Scope,
      { kind: "restricted", merchantAccountIds: ["a3"] } as Scope,
    ]) {
      const step = planChange(withScope(wanted), read, "locked");
      expect(step.step).toBe("refuse");
      expect((step as { error: AppError }).error.code).toBe("grant_exceeds_own");
    }
    const narrower: Scope = { kind: "restricted", merchantAccountIds: ["a2"] };
    expect(planChange(withScope(narrower), read, "optimistic")).toEqual({ step: "lock" });
    expect(planChange(withScope(narrower), read, "locked")).toMatchObject({
      step: "write_roles",
      scope: narrower,
    });
    // The scope the member already has, with the same roles, changes nothing and grants nothing.
    const unchanged = state({ requested: sameRoles, actorScope: own, targetScope: narrower });
    expect(planChange(withScope(narrower), unchanged, "locked").step).toBe("unchanged");
    const untouchedAll = state({ requested: sameRoles, actorScope: own });
    expect(planChange(withScope({ kind: "all" }), untouchedAll, "locked").step).toBe("unchanged");
  });
});
