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

type Entry = {
  version: number;
  refs: RoleRef[];
  byId: Map<string, RoleRef>;
  /**
   * Each list of ids named once (most members hold one of a few lists). The arrays are shared by
   * every answer that names the list, so they are frozen: a change to one throws.
   */
  named: Map<string, RoleRef[]>;
};

const MAX_COMPANIES = 1_000;
const MAX_LISTS_PER_COMPANY = 1_000;
const NO_ROLES = Object.freeze([]) as unknown as RoleRef[];
const copies = new WeakMap<Kysely<DB>, Map<string, Entry>>();

async function load(db: Kysely<DB>, companyId: string): Promise<Entry> {
  const row = await findRolesWithVersion(db, companyId);
  const refs = row?.refs ?? [];
  return {
    version: Number(row?.version ?? -1),
    refs,
    byId: new Map(refs.map((ref) => [ref.id, ref])),
    named: new Map(),
  };
}

/**
 * The roles of each comma-separated list of ids, in ROLE_ORDER. `strict`: undefined when an id is
 * unknown to the copy (it is then loaded again); otherwise such an id is left out.
 */
function nameLists(entry: Entry, lists: readonly (string | null)[], strict: boolean) {
  const named: RoleRef[][] = [];
  for (const list of lists) {
    if (!list) {
      named.push(NO_ROLES);
      continue;
    }
    let roles = entry.named.get(list);
    if (roles === undefined) {
      const ids = list.split(",");
      const known = ids.every((id) => entry.byId.has(id));
      if (!known && strict) return undefined;
      const held = new Set(ids);
      roles = Object.freeze(entry.refs.filter((ref) => held.has(ref.id))) as RoleRef[];
      if (known) setBounded(entry.named, list, roles, MAX_LISTS_PER_COMPANY);
    }
    named.push(roles);
  }
  return named;
}

/**
 * Names the given role ids (each list comma-separated, as member_standing's role_ids read as text)
 * as the company's roles stood at `version`, each in ROLE_ORDER. Reloads the copy when it holds
 * another version, or when an id is unknown to it. The arrays returned are shared and frozen.
 */
export async function nameRoles(
  db: Kysely<DB>,
  companyId: string,
  version: number,
  roleIdLists: readonly (string | null)[],
): Promise<RoleRef[][]> {
  let companies = copies.get(db);
  if (!companies) {
    companies = new Map();
    copies.set(db, companies);
  }
  const held = companies.get(companyId);
  const named = held && held.version === version ? nameLists(held, roleIdLists, true) : undefined;
  if (named) return named;
  const entry = await load(db, companyId);
  setBounded(companies, companyId, entry, MAX_COMPANIES);
  return nameLists(entry, roleIdLists, false) ?? [];
}
