// The permission catalogue and the five predefined roles: SPEC §1's table, in one place.
// Everything else (database seed, policy, UI menu, docs) derives from these constants.

export const PERMISSIONS = [
  {
    key: "account.view",
    group: "Account",
    label: "View account info",
    description: "View merchant account info.",
  },
  { key: "company.view", group: "Account", label: "View company info", description: "View company info." },
  {
    key: "transactions.view",
    group: "Transactions",
    label: "View transactions",
    description: "View transaction records.",
  },
  {
    key: "transactions.download",
    group: "Transactions",
    label: "Download transactions",
    description: "Download transaction records (CSV).",
  },
  {
    key: "settlements.view",
    group: "Settlements",
    label: "View settlements",
    description: "View settlement records.",
  },
  {
    key: "settlements.download",
    group: "Settlements",
    label: "Download settlements",
    description: "Download settlement records (CSV).",
  },
  {
    key: "members.view",
    group: "Members",
    label: "View members",
    description: "View and search the member list.",
  },
  {
    key: "members.invite",
    group: "Members",
    label: "Invite members",
    description: "Invite members, resend and revoke invitations.",
  },
  {
    key: "members.edit_roles",
    group: "Members",
    label: "Change roles",
    description: "Change a member's roles.",
  },
  {
    key: "members.deactivate",
    group: "Members",
    label: "Deactivate members",
    description: "Deactivate and reactivate members.",
  },
  {
    key: "roles.manage",
    group: "Roles",
    label: "Manage roles",
    description: "Create, modify and delete custom roles.",
  },
  { key: "audit.view", group: "Audit", label: "View audit log", description: "View the audit log." },
  {
    key: "developer_center.view",
    group: "Developer Center",
    label: "View Developer Center",
    description: "View the Developer Center: client id, API keys and webhooks.",
  },
  {
    key: "insights.view",
    group: "Insights",
    label: "View Insights",
    description:
      "View Insights: operational and payment-method performance, payment success rate, error reports.",
  },
  {
    key: "security.manage",
    group: "Security",
    label: "Manage security",
    description:
      "Set the company's security policy: two-factor requirement, session timeout, invitation domains.",
  },
  {
    key: "webhooks.manage",
    group: "Developer Center",
    label: "Manage webhooks",
    description: "Create, change and delete webhook endpoints, and see their deliveries.",
  },
] as const;

export type Permission = (typeof PERMISSIONS)[number]["key"];

export const PERMISSION_KEYS: readonly Permission[] = PERMISSIONS.map((p) => p.key);

export function isPermission(value: string): value is Permission {
  return (PERMISSION_KEYS as readonly string[]).includes(value);
}

export type PredefinedRoleKey = "admin" | "finance" | "operations" | "developer" | "data_analytics";

/** The predefined role that may grant anything (rule 6) and of which one active holder must remain (rule 4). */
export const ADMIN_ROLE_KEY = "admin" satisfies PredefinedRoleKey;

export type PredefinedRole = {
  key: PredefinedRoleKey;
  name: string;
  description: string;
  permissions: readonly Permission[];
};

// Descriptions are the user guide's own sentences; Admin's adds one for security.manage (SPEC §6.2).
export const PREDEFINED_ROLES: readonly PredefinedRole[] = [
  {
    key: ADMIN_ROLE_KEY,
    name: "Admin",
    description:
      "This role can view account info, transaction records, and settlement records. They can view company info, invite new members, and edit member roles. They can also set the company's security policy. It is suggested that this role is assigned to the company or team's person-in-charge.",
    permissions: [
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
      "security.manage",
    ],
  },
  {
    key: "finance",
    name: "Finance",
    description:
      "This role can view and download transaction and settlement records to ensure business efficiency. It is usually assigned to a member of the company or team's finance staff.",
    permissions: ["transactions.view", "transactions.download", "settlements.view", "settlements.download"],
  },
  {
    key: "operations",
    name: "Operations",
    description:
      "This role can view transaction records. It is suggested that this role is assigned to a member of the company or the team's operations staff for handling inquiries or refunds.",
    permissions: ["transactions.view"],
  },
  {
    key: "developer",
    name: "Developer",
    description:
      "This role can view the Developer Center to carry out API integration and other related tasks. It is usually assigned to a member of the company, the team's IT, or developer staff.",
    permissions: ["developer_center.view", "webhooks.manage"],
  },
  {
    key: "data_analytics",
    name: "Data Analytics",
    description:
      "This role can view data through Insights, including operational and payment method performance, payment success rate, as well as error report data.",
    permissions: ["insights.view"],
  },
];

export function predefinedRole(key: PredefinedRoleKey): PredefinedRole {
  const role = PREDEFINED_ROLES.find((r) => r.key === key);
  if (!role) throw new Error(`unknown predefined role ${key}`);
  return role;
}
