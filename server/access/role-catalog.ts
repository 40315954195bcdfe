// The server's copy of each company's roles (id, key, name in ROLE_ORDER), for naming the roles of
// a member list page from the ids the page carries. Exact, not a guess: every page is read with
// the company's roles_version (migration 010) and the copy is reloaded whenever its own version
// differs, in one statement that reads the roles and the version together. One copy per database
// handle, bounded; every instance of the portal keeps its own.
import type { Kysely } from "kysely";
import { setBounded } from "../bounded-map.js";
import type { DB } from "../db/schema.js";
import { findRolesWithVersion } from "./role-queries.js";

export type RoleRef = { id: string; key: string | null; name: string };

type Entry = { version: number; refs: RoleRef[]; byId: Map<string, RoleRef> };

const MAX_COMPANIES = 1_000;
const copies = new WeakMap<Kysely<DB>, Map<string, Entry>>();

async function load(db: Kysely<DB>, companyId: string): Promise<Entry> {
  const row = await findRolesWithVersion(db, companyId);
  const refs = row?.refs ?? [];
  return { version: Number(row?.version ?? -1), refs, byId: new Map(refs.map((ref) => [ref.id, ref])) };
}

/**
 * Names the given role ids (each list in ROLE_ORDER) as the company's roles stood at `version`.
 * Reloads the copy when it holds another version, or when an id is unknown to it.
 */
export async function nameRoles(
  db: Kysely<DB>,
  companyId: string,
  version: number,
  roleIdLists: readonly (readonly string[])[],
): Promise<RoleRef[][]> {
  let companies = copies.get(db);
  if (!companies) {
    companies = new Map();
    copies.set(db, companies);
  }
  let entry = companies.get(companyId);
  const isUnknown = (ids: readonly string[]) => ids.some((id) => !entry?.byId.has(id));
  if (!entry || entry.version !== version || roleIdLists.some(isUnknown)) {
    entry = await load(db, companyId);
    setBounded(companies, companyId, entry, MAX_COMPANIES);
  }
  const known = entry;
  return roleIdLists.map((ids) => {
    const held = new Set(ids);
    return known.refs.filter((ref) => held.has(ref.id));
  });
}
