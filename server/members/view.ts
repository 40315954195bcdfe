// A member as the API answers it: the one shape every member route and every conflict's
// `current` carries, made from a row of members/queries.ts.

import type { Scope } from "../access/scope.js";
import type { MemberStatus } from "../db/schema.js";
import type { MemberRow } from "./queries.js";

export type MemberView = {
  id: string;
  accountId: string;
  email: string;
  name: string;
  roles: { id: string; key: string | null; name: string; expiresAt?: string }[];
  status: MemberStatus;
  joinedAt: string;
  lastActiveAt: string | null;
  version: number;
  scope: Scope;
};

export function memberView(row: MemberRow): MemberView {
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    name: row.name,
    roles: row.roles,
    status: row.status,
    joinedAt: row.joined_at,
    lastActiveAt: row.last_active_at,
    version: row.version,
    scope: row.scope,
  };
}
