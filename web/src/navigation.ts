// The portal's sections: menu label, path inside a company, and the permission that opens it.
// The left menu, the routes and the route guard are all built from this one table.
import type { PermissionKey } from "./api/types";

export type NavigationKey =
  | "home"
  | "transactions"
  | "settlements"
  | "developer-center"
  | "insights"
  | "member-list"
  | "roles"
  | "audit-log"
  | "company-info"
  | "account-info"
  | "security"
  | "access-reviews";

export type NavigationGroup = "account" | "settings";

export interface NavigationEntry {
  key: NavigationKey;
  label: string;
  /** Relative to `/c/:companyId`; `""` is the company's home. */
  path: string;
  /** `null`: open to every active member of the company. */
  permission: PermissionKey | null;
  group: NavigationGroup | null;
  /** What the section holds, as its card on the Home page says it. */
  summary: string;
}

export const navigationGroups: Record<NavigationGroup, { label: string }> = {
  account: { label: "Account" },
  settings: { label: "Company settings" },
};

export const navigationEntries: readonly NavigationEntry[] = [
  { key: "home", label: "Home", path: "", permission: null, group: null, summary: "Your company and roles." },
  {
    key: "transactions",
    label: "Transactions",
    path: "transactions",
    permission: "transactions.view",
    group: null,
    summary: "Payments and their status; download them as CSV.",
  },
  {
    key: "settlements",
    label: "Settlements",
    path: "settlements",
    permission: "settlements.view",
    group: null,
    summary: "Settlement batches paid out to the company.",
  },
  {
    key: "developer-center",
    label: "Developer Center",
    path: "developer-center",
    permission: "developer_center.view",
    group: null,
    summary: "Client id, API keys and webhooks.",
  },
  {
    key: "insights",
    label: "Insights",
    path: "insights",
    permission: "insights.view",
    group: null,
    summary: "Success rate, payment methods and errors.",
  },
  {
    key: "member-list",
    label: "Member list",
    path: "account/members",
    permission: "members.view",
    group: "account",
    summary: "Who has access, their roles and invitations.",
  },
  {
    key: "roles",
    label: "Roles",
    path: "account/roles",
    permission: "roles.manage",
    group: "account",
    summary: "Predefined and custom roles and their permissions.",
  },
  {
    key: "audit-log",
    label: "Audit log",
    path: "account/audit-log",
    permission: "audit.view",
    group: "account",
    summary: "Who changed what, and refused attempts.",
  },
  {
    key: "company-info",
    label: "Company info",
    path: "account/company-info",
    permission: "company.view",
    group: "account",
    summary: "The company's legal details.",
  },
  {
    key: "account-info",
    label: "Account info",
    path: "account/account-info",
    permission: "account.view",
    group: "account",
    summary: "The merchant account and its settlement currency.",
  },
  {
    key: "security",
    label: "Security",
    path: "settings/security",
    permission: "security.manage",
    group: "settings",
    summary: "Two-factor requirement, session timeout and invitation domains.",
  },
  {
    key: "access-reviews",
    label: "Access reviews",
    path: "settings/access-reviews",
    permission: "security.manage",
    group: "settings",
    summary: "Review every member's access: keep, change or deactivate, with an attestation.",
  },
];

export function isEntryAllowed(entry: NavigationEntry, permissions: readonly string[]): boolean {
  return entry.permission === null || permissions.includes(entry.permission);
}

export function allowedEntries(permissions: readonly string[]): NavigationEntry[] {
  return navigationEntries.filter((entry) => isEntryAllowed(entry, permissions));
}

export function companyPath(companyId: string, path = ""): string {
  const base = `/c/${encodeURIComponent(companyId)}`;
  return path === "" ? base : `${base}/${path}`;
}

/** A member's own page, beneath the member list (whose entry guards and highlights it). */
export function memberDetailPath(companyId: string, memberId: string): string {
  return companyPath(companyId, `account/members/${encodeURIComponent(memberId)}`);
}

/** The entry a path inside a company belongs to (its own page or a page beneath it). */
export function findEntryByPath(pathInCompany: string): NavigationEntry | undefined {
  const path = pathInCompany.replace(/^\/+|\/+$/g, "");
  let best: NavigationEntry | undefined;
  for (const entry of navigationEntries) {
    const isMatch = entry.path === path || (entry.path !== "" && path.startsWith(`${entry.path}/`));
    if (isMatch && (best === undefined || entry.path.length > best.path.length)) best = entry;
  }
  return best;
}

/** The part of a location's pathname below `/c/:companyId`, without slashes around it. */
export function pathInCompany(pathname: string, companyId: string): string {
  const base = companyPath(companyId);
  const rest = pathname === base || pathname.startsWith(`${base}/`) ? pathname.slice(base.length) : "";
  return rest.replace(/^\/+|\/+$/g, "");
}
