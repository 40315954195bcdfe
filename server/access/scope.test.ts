// The pure scope decisions (SPEC §6.4): what a section reads, and rule 6 extended to scope.
import { describe, expect, it } from "vitest";
import type { AppError } from "../errors.js";
import {
  accountsBeyondScope,
  isSameScope,
  readableAccounts,
  refuseScopeBeyondOwn,
  type Scope,
  unionOfScopes,
} from "./scope.js";

const ALL: Scope = { kind: "all" };
const A = "0b6f6c1e-0000-4000-8000-00000000000a";
const B = "0b6f6c1e-0000-4000-8000-00000000000b";
const restricted = (...ids: string[]): Scope => ({ kind: "restricted", merchantAccountIds: ids });

describe("SPEC 6.4: merchant account scope decisions", () => {
  it("reads every account for `all`, only the chosen ones for `restricted`", () => {
    expect(readableAccounts(ALL)).toBeNull();
    expect(readableAccounts(restricted(A))).toEqual([A]);
    expect(readableAccounts(ALL, B)).toEqual([B]);
    expect(readableAccounts(restricted(A), A.toUpperCase())).toEqual([A]);
  });

  it("answers a request naming an account outside the scope as not found", () => {
    expect(() => readableAccounts(restricted(A), B)).toThrowError(
      expect.objectContaining({ code: "not_found" }) as unknown as Error,
    );
  });

  it("lets an `all` actor grant anything and a restricted one only their own accounts", () => {
    expect(accountsBeyondScope(ALL, ALL)).toEqual([]);
    expect(accountsBeyondScope(restricted(A, B), restricted(B))).toEqual([]);
    expect(accountsBeyondScope(restricted(A), restricted(A, B))).toEqual([B]);
    expect(accountsBeyondScope(restricted(A, B), ALL)).toBe("all");
    try {
      refuseScopeBeyondOwn(restricted(A), ALL);
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).code).toBe("grant_exceeds_own");
      expect((error as AppError).details).toEqual({ merchantAccountsBeyondOwn: "all" });
    }
  });

  it("compares scopes whatever the order and case of their ids", () => {
    expect(isSameScope(restricted(A, B), restricted(B.toUpperCase(), A))).toBe(true);
    expect(isSameScope(restricted(A), restricted(A, B))).toBe(false);
    expect(isSameScope(ALL, restricted(A))).toBe(false);
    expect(isSameScope(ALL, ALL)).toBe(true);
  });

  it("SPEC §6.3: an SSO login's scope is the union of its mappings' scopes, `all` winning", () => {
    expect(unionOfScopes([restricted(B), restricted(A, B)])).toEqual(restricted(A, B));
    expect(unionOfScopes([restricted(A), ALL])).toEqual(ALL);
    expect(unionOfScopes([restricted(A.toUpperCase())])).toEqual(restricted(A));
    expect(unionOfScopes([])).toEqual(ALL);
  });
});
