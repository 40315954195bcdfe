// THE permission matrix: every API route × every kind of caller → the status it must get.
// The tests in matrix.test.ts are generated from this one table; a route of the app without a
// row here fails the suite. Roles' permissions are SPEC §1's table, copied here on purpose
// so the server's own catalogue is checked against the spec, not against itself.

export const ACTORS = [
  "anonymous",
  "non_member",
  "admin",
  "finance",
  "operations",
  "developer",
  "data_analytics",
  "custom",
  "deactivated",
] as const;
export type Actor = (typeof ACTORS)[number];

/** SPEC §1, column by column. */
export const SPEC_ROLE_PERMISSIONS: Record<
  Exclude<Actor, "anonymous" | "non_member" | "deactivated">,
  string[]
> = {
  admin: [
    "account.view",
    "company.view",
    "transactions.view",
    "settlements.view",
    "members.view",
    "members.invite",
    "members.edit_roles",
    "members.deactivate",
    "roles.manage",
    "audit.view",
  ],
  finance: ["transactions.view", "transactions.download", "settlements.view", "settlements.download"],
  operations: ["transactions.view"],
  developer: ["developer_center.view"],
  data_analytics: ["insights.view"],
  // A custom role, made by the matrix suite: company info plus transactions, nothing else.
  custom: ["company.view", "transactions.view"],
};

/** What the request of one cell looks like, given the actor's context. */
export type CellContext = { companyId: string; otherSessionId: string };
export type CellRequest = { url: string; payload?: unknown };

export type Row = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The route as registered, e.g. /api/companies/:cid */
  route: string;
  /** Declared requirement, restated here: public, session, member or a permission key. */
  requires: "public" | "session" | "member" | `${string}.${string}`;
  /** Status when the caller may use the route. */
  ok: number;
  request?: (context: CellContext) => CellRequest;
  /** Exceptions to the derived expectation, by actor. */
  override?: Partial<Record<Actor, number>>;
  /** The call ends the caller's session, so each cell gets a fresh one. */
  consumesSession?: boolean;
};

export const ROWS: Row[] = [
  {
    method: "POST",
    route: "/api/auth/login",
    requires: "public",
    ok: 401,
    // Public: reachable by anyone; wrong credentials give the same 401 to every caller.
    request: () => ({
      url: "/api/auth/login",
      payload: { email: "nobody@example.com", password: "not the password" },
    }),
  },
  { method: "POST", route: "/api/auth/logout", requires: "session", ok: 204, consumesSession: true },
  { method: "GET", route: "/api/me", requires: "session", ok: 200 },
  { method: "GET", route: "/api/me/sessions", requires: "session", ok: 200 },
  {
    method: "DELETE",
    route: "/api/me/sessions/:sessionId",
    requires: "session",
    ok: 204,
    request: (c) => ({ url: `/api/me/sessions/${c.otherSessionId}` }),
  },
  { method: "GET", route: "/api/companies", requires: "session", ok: 200 },
  { method: "GET", route: "/api/companies/:cid", requires: "company.view", ok: 200 },
  { method: "GET", route: "/api/companies/:cid/account", requires: "account.view", ok: 200 },
  { method: "GET", route: "/api/openapi.json", requires: "public", ok: 200 },
  // Development mailbox: present outside production only (the matrix runs with NODE_ENV=test).
  { method: "GET", route: "/api/dev/outbox", requires: "public", ok: 200 },
];

/** The status a cell must get: derived from the row's requirement and SPEC's role table. */
export function expectedStatus(row: Row, actor: Actor): number {
  const override = row.override?.[actor];
  if (override !== undefined) return override;
  if (row.requires === "public") return row.ok;
  if (actor === "anonymous") return 401;
  if (row.requires === "session") return row.ok;
  if (actor === "non_member" || actor === "deactivated") return 404;
  if (row.requires === "member") return row.ok;
  return SPEC_ROLE_PERMISSIONS[actor].includes(row.requires) ? row.ok : 403;
}
