// The portal's sections: menu label, path inside a company, and the permission that opens it.
// The left menu, the routes and the route guard are all built from this one table. The labels and
// summaries are the `shell` catalogue's (`nav.<key>.label`, `nav.<key>.summary`), read in the page's
// current language each time they are read.
import type { PermissionKey } from "./api/types";
import { i18next } from "./i18n";

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
  /** The menu label in the page's language. */
  readonly label: string;
  /** Relative to `/c/:companyId`; `""` is the company's home. */
  path: string;
  /** `null`: open to every active member of the company. */
  permission: PermissionKey | null;
  group: NavigationGroup | null;
  /** What the section holds, as its card on the Home page says it, in the page's language. */
  readonly summary: string;
}

type Section = Omit<NavigationEntry, "label" | "summary">;

const shellText = (key: string) => i18next.t(key, { ns: "shell" });

/** A section with its words from the catalogue. */
function withWords(section: Section): NavigationEntry {
  return {
    ...section,
    get label() {
      return shellText(`nav.${section.key}.label`);
    },
    get summary() {
      return shellText(`nav.${section.key}.summary`);
    },
  };
}

export const navigationGroups: Record<NavigationGroup, { readonly label: string }> = {
  account: {
    get label() {
      return shellText("navGroups.account");
    },
  },
  settings: {
    get label() {
      return shellText("navGroups.settings");
    },
  },
};

const sections: readonly Section[] = [
  { key: "home", path: "", permission: null, group: null },
  {
    key: "transactions",
    path: "transactions",
    permission: "transactions.view",
    group: null,
  },
  {
    key: "settlements",
    path: "settlements",
    permission: "settlements.view",
    group: null,
  },
  {
    key: "developer-center",
    path: "developer-center",
    permission: "developer_center.view",
    group: null,
  },
  {
    key: "insights",
    path: "insights",
    permission: "insights.view",
    group: null,
  },
  {
    key: "member-list",
    path: "account/members",
    permission: "members.view",
    group: "account",
  },
  {
    key: "roles",
    path: "account/roles",
    permission: "roles.manage",
    group: "account",
  },
  {
    key: "audit-log",
    path: "account/audit-log",
    permission: "audit.view",
    group: "account",
  },
  {
    key: "company-info",
    path: "account/company-info",
    permission: "company.view",
    group: "account",
  },
  {
    key: "account-info",
    path: "account/account-info",
    permission: "account.view",
    group: "account",
  },
  {
    key: "security",
    path: "settings/security",
    permission: "security.manage",
    group: "settings",
  },
  {
    key: "access-reviews",
    path: "settings/access-reviews",
    permission: "security.manage",
    group: "settings",
  },
];

export const navigationEntries: readonly NavigationEntry[] = sections.map(withWords);

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
