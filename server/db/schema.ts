// The Kysely table types, mirroring migrations/*.sql by hand.
// A test compares these column names with the live schema, so the two cannot drift apart.
import type { ColumnType, Generated, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type PermissionsTable = { key: string };

export type CompaniesTable = {
  id: Generated<string>;
  name: string;
  legal_name: string;
  registration_number: Generated<string>;
  country: Generated<string>;
  address: Generated<string>;
  merchant_id: string;
  merchant_status: Generated<"active" | "suspended" | "closed">;
  settlement_currency: Generated<string>;
  contact_email: Generated<string>;
  created_at: DefaultTimestamp;
  /** Moved on by a trigger at every change of the company's roles (migration 010). */
  roles_version: Generated<number>;
};

export type AccountsTable = {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  alternate_email: string | null;
  created_at: DefaultTimestamp;
  password_changed_at: DefaultTimestamp;
};

export type MemberStatus = "active" | "deactivated";

export type MembersTable = {
  id: Generated<string>;
  company_id: string;
  account_id: string;
  status: Generated<MemberStatus>;
  joined_at: DefaultTimestamp;
  invited_by: string | null;
  deactivated_at: Timestamp | null;
  version: Generated<number>;
  /** The account's canonical email, copied and kept in step by triggers (migration 006). */
  email: Generated<string>;
};

/** Totals of the member list, kept by triggers in the transaction of each change (migration 006). */
export type MemberCountsTable = {
  company_id: string;
  active: Generated<number>;
  deactivated: Generated<number>;
};

export type MemberRoleCountsTable = {
  company_id: string;
  role_id: string;
  active: Generated<number>;
  deactivated: Generated<number>;
};

export type RolesTable = {
  id: Generated<string>;
  company_id: string;
  key: string | null;
  name: string;
  description: Generated<string>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type RolePermissionsTable = { role_id: string; permission: string };

export type MemberRolesTable = { company_id: string; member_id: string; role_id: string };

/** Kept by the database's triggers (migration 009); the application only reads it. */
/** When each member last used the portal, apart from the member row (migration 014). */
export type MemberActivityTable = { member_id: string; last_active_at: Timestamp };

export type MemberStandingTable = {
  member_id: string;
  role_ids: string[];
  role_keys: string[];
  permissions: string[];
};

export type SessionsTable = {
  id: Generated<string>;
  token_hash: string;
  account_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  step_up_until: Timestamp | null;
};

export type SessionElevationsTable = {
  session_id: string;
  company_id: string;
  verified_until: Timestamp;
};

/** Failures of all unknown devices of one canonical email (rule 14); known devices count on their own row. */
export type LoginThrottleTable = {
  email: string;
  consecutive_failures: number;
  locked_until: Timestamp | null;
  updated_at: Timestamp;
};

export type KnownDevicesTable = {
  id: Generated<string>;
  account_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_login_at: Timestamp | null;
  is_unlock_pass: Generated<boolean>;
  consecutive_failures: Generated<number>;
  locked_until: Timestamp | null;
};

export type LoginUnlockLinksTable = {
  id: Generated<string>;
  account_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
};

export type AuditEventsTable = {
  id: Generated<string>;
  occurred_at: Timestamp;
  company_id: string | null;
  actor_account_id: string | null;
  actor_email: string | null;
  action: string;
  outcome: "success" | "denied" | "failure";
  target_type: string | null;
  target_id: string | null;
  details: ColumnType<Record<string, unknown>, string, string>;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
};

export type MailOutboxTable = {
  id: Generated<string>;
  seq: ColumnType<number, never, never>;
  created_at: Timestamp;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  is_sensitive: Generated<boolean>;
  status: Generated<"pending" | "sent" | "failed">;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_until: Timestamp | null;
  last_error: string | null;
  sent_at: Timestamp | null;
};

export type PasswordResetTokensTable = {
  id: Generated<string>;
  account_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  voided_at: Timestamp | null;
};

export type VerificationPurpose = "step_up" | "alternate_email";

export type VerificationChallengesTable = {
  id: string;
  account_id: string;
  session_id: string | null;
  purpose: VerificationPurpose;
  company_id: string | null;
  target_email: string;
  code_hash: string;
  attempts: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
  voided_at: Timestamp | null;
  locked_at: Timestamp | null;
};

export type VerificationThrottleTable = {
  account_id: string;
  consecutive_failures: Generated<number>;
  locked_until: Timestamp | null;
  updated_at: Timestamp;
};

export type SettlementBatchesTable = {
  company_id: string;
  id: Generated<string>;
  reference: string;
  period_start: Timestamp;
  period_end: Timestamp;
  settled_at: Timestamp | null;
  currency: string;
  transaction_count: number;
  gross_minor: number;
  fees_minor: number;
  refunds_minor: number;
  net_minor: number;
  status: "pending" | "paid";
};

export type TransactionsTable = {
  company_id: string;
  id: Generated<string>;
  occurred_at: Timestamp;
  merchant_reference: string;
  amount_minor: number;
  currency: string;
  payment_method: string;
  status: "succeeded" | "failed" | "refunded" | "pending";
  error_code: string | null;
  settlement_batch_id: string | null;
};

export type DeveloperCredentialsTable = {
  company_id: string;
  client_id: string;
  environment: Generated<string>;
};

export type DeveloperApiKeysTable = {
  company_id: string;
  id: Generated<string>;
  label: string;
  prefix: string;
  last_four: string;
  created_at: Timestamp;
  status: "active" | "revoked";
};

export type DeveloperWebhooksTable = {
  company_id: string;
  id: Generated<string>;
  url: string;
  events: string[];
  status: "enabled" | "disabled";
  created_at: Timestamp;
};

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

/** A role as an invitation offered it when it left 'pending'. */
export type InvitationRoleSnapshot = { id: string; key: string | null; name: string };

export type InvitationsTable = {
  id: Generated<string>;
  company_id: string;
  email: string;
  token_hash: string;
  status: Generated<InvitationStatus>;
  invited_by: string | null;
  created_at: Timestamp;
  last_sent_at: Timestamp;
  expires_at: Timestamp;
  closed_at: Timestamp | null;
  closed_roles: ColumnType<InvitationRoleSnapshot[] | null, string | null, string | null>;
};

export type InvitationRolesTable = { company_id: string; invitation_id: string; role_id: string };

export type SchemaMigrationsTable = { version: number; name: string; applied_at: DefaultTimestamp };

export type DB = {
  permissions: PermissionsTable;
  companies: CompaniesTable;
  accounts: AccountsTable;
  members: MembersTable;
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  member_roles: MemberRolesTable;
  member_standing: MemberStandingTable;
  member_activity: MemberActivityTable;
  member_counts: MemberCountsTable;
  member_role_counts: MemberRoleCountsTable;
  sessions: SessionsTable;
  session_elevations: SessionElevationsTable;
  login_throttle: LoginThrottleTable;
  known_devices: KnownDevicesTable;
  login_unlock_links: LoginUnlockLinksTable;
  audit_events: AuditEventsTable;
  mail_outbox: MailOutboxTable;
  settlement_batches: SettlementBatchesTable;
  transactions: TransactionsTable;
  developer_credentials: DeveloperCredentialsTable;
  developer_api_keys: DeveloperApiKeysTable;
  developer_webhooks: DeveloperWebhooksTable;
  password_reset_tokens: PasswordResetTokensTable;
  verification_challenges: VerificationChallengesTable;
  verification_throttle: VerificationThrottleTable;
  invitations: InvitationsTable;
  invitation_roles: InvitationRolesTable;
  schema_migrations: SchemaMigrationsTable;
};

export type Account = Selectable<AccountsTable>;
export type Member = Selectable<MembersTable>;
