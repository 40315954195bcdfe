// The audit action catalogue is well formed: every action sits in a listed category, each name once,
// and every name is one the log's `action` filter can ask for.
import { describe, expect, it } from "vitest";
import { AUDIT_ACTION_CATEGORIES, AUDIT_ACTION_FILTER_PATTERN, AUDIT_ACTIONS } from "./actions.js";

describe("rule 11: the audit action catalogue", () => {
  it("names each action once, under a listed category, in a form the action filter accepts", () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    const filter = new RegExp(AUDIT_ACTION_FILTER_PATTERN);
    for (const action of AUDIT_ACTIONS) {
      expect(action).toMatch(filter);
      expect(AUDIT_ACTION_CATEGORIES).toContain(action.split(".")[0]);
    }
  });

  it("lists only categories that hold an action", () => {
    for (const category of AUDIT_ACTION_CATEGORIES) {
      expect(
        AUDIT_ACTIONS.some((action) => action.startsWith(`${category}.`)),
        category,
      ).toBe(true);
    }
  });
});
