// A member's reach over the company's merchant accounts (SPEC §6.4), decided without I/O: which
// accounts a section may read, and rule 6 extended to scope (nobody grants an account beyond their own).
import { AppError } from "../errors.js";

/** `all`: every account of the company, present and future; `restricted`: exactly these. */
export type Scope = { kind: "all" } | { kind: "restricted"; merchantAccountIds: string[] };

export const ALL_ACCOUNTS: Scope = { kind: "all" };

/** A scope as the database reads it: the kind and the ids of member_merchant_accounts (or null). */
export function scopeFromColumns(kind: string | null | undefined, ids: readonly string[] | null): Scope {
  if (kind !== "restricted") return ALL_ACCOUNTS;
  return { kind: "restricted", merchantAccountIds: [...(ids ?? [])].map((id) => id.toLowerCase()).sort() };
}

/** The same scope spelled one way: ids lowercased, each once, sorted. */
export function normalizeScope(scope: Scope): Scope {
  if (scope.kind === "all") return ALL_ACCOUNTS;
  return {
    kind: "restricted",
    merchantAccountIds: [...new Set(scope.merchantAccountIds.map((id) => id.toLowerCase()))].sort(),
  };
}

export function isSameScope(a: Scope, b: Scope): boolean {
  const x = normalizeScope(a);
  const y = normalizeScope(b);
  if (x.kind === "all" || y.kind === "all") return x.kind === y.kind;
  return (
    x.merchantAccountIds.length === y.merchantAccountIds.length &&
    x.merchantAccountIds.every((id, i) => id === y.merchantAccountIds[i])
  );
}

/**
 * The part of `wanted` the actor's own scope does not cover: `all` when an actor restricted to some
 * accounts would grant every account (the company's future accounts included), else the ids beyond.
 */
export function accountsBeyondScope(actor: Scope, wanted: Scope): "all" | string[] {
  if (actor.kind === "all") return [];
  if (wanted.kind === "all") return "all";
  const own = new Set(actor.merchantAccountIds.map((id) => id.toLowerCase()));
  const asked = normalizeScope(wanted);
  return asked.kind === "all" ? "all" : asked.merchantAccountIds.filter((id) => !own.has(id));
}

export function isWithinScope(actor: Scope, wanted: Scope): boolean {
  const beyond = accountsBeyondScope(actor, wanted);
  return beyond !== "all" && beyond.length === 0;
}

/** Rule 6 for scope, as a refusal: grant_exceeds_own, naming what lies beyond the actor's scope. */
export function refuseScopeBeyondOwn(actor: Scope, wanted: Scope): void {
  const beyond = accountsBeyondScope(actor, wanted);
  if (beyond === "all" || beyond.length > 0) {
    throw new AppError("grant_exceeds_own", "You can only grant merchant accounts in your own scope.", {
      merchantAccountsBeyondOwn: beyond,
    });
  }
}

/**
 * The accounts a section's query may read for a caller of this scope: null for all of the company's.
 * A request naming one account (`requested`) outside the scope is answered as if it did not exist.
 */
export function readableAccounts(scope: Scope, requested?: string): string[] | null {
  if (requested !== undefined) {
    const id = requested.toLowerCase();
    if (scope.kind === "restricted" && !scope.merchantAccountIds.includes(id))
      throw new AppError("not_found");
    return [id];
  }
  return scope.kind === "all" ? null : scope.merchantAccountIds;
}

/** The accounts any of these scopes reaches: `all` if one of them is (or if there are none). */
export function unionOfScopes(scopes: readonly Scope[]): Scope {
  if (scopes.length === 0 || scopes.some((scope) => scope.kind === "all")) return ALL_ACCOUNTS;
  return normalizeScope({
    kind: "restricted",
    merchantAccountIds: scopes.flatMap((scope) =>
      scope.kind === "restricted" ? scope.merchantAccountIds : [],
    ),
  });
}
