// The database schema keeps its promises: the Kysely types match the live tables, the permission
// table matches the catalogue, and invariants hold in SQL itself (rule 11's append-only audit log,
// one membership per account and company, a role never crossing companies).
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSION_KEYS } from "../server/access/permissions.js";
import type { AuditAction } from "../server/audit/actions.js";
import { recordAudit } from "../server/audit/writer.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

// Columns as server/db/schema.ts declares them; a migration that changes one must change both.
const EXPECTED_COLUMNS: Record<string, string[]> = {
  access_review_items: [
    "company_id",
    "decided_at",
    "decided_by",
    "decision",
    "decision_role_ids",
    "email",
    "has_second_factor",
    "last_active_at",
    "member_id",
    "name",
    "outcome",
    "review_id",
    "roles",
    "scope",
    "status",
  ],
  account_context_versions: ["account_id", "version"],
  access_reviews: ["company_id", "completed_at", "completed_by", "id", "started_at", "started_by", "status"],
  accounts: [
    "alternate_email",
    "created_at",
    "email",
    "has_second_factor",
    "id",
    "language",
    "name",
    "password_changed_at",
    "password_hash",
    "time_zone",
  ],
  audit_events: [
    "action",
    "actor_account_id",
    "actor_email",
    "company_id",
    "details",
    "id",
    "ip",
    "occurred_at",
    "outcome",
    "request_id",
    "target_id",
    "target_type",
    "user_agent",
  ],
  company_security_policies: [
    "company_id",
    "inactivity_days",
    "invite_domains",
    "require_mfa",
    "session_idle_minutes",
    "updated_at",
    "updated_by",
  ],
  context_epoch: ["epoch", "id"],
  companies: [
    "address",
    "contact_email",
    "country",
    "created_at",
    "id",
    "legal_name",
    "merchant_id",
    "merchant_status",
    "name",
    "registration_number",
    "roles_version",
    "settlement_currency",
  ],
  developer_api_keys: [
    "company_id",
    "created_at",
    "id",
    "label",
    "last_four",
    "merchant_account_id",
    "prefix",
    "status",
  ],
  developer_credentials: ["client_id", "company_id", "environment"],
  developer_webhooks: ["company_id", "created_at", "events", "id", "merchant_account_id", "status", "url"],
  merchant_accounts: ["company_id", "created_at", "id", "name", "reference", "region"],
  member_merchant_accounts: ["company_id", "member_id", "merchant_account_id"],
  invitation_merchant_accounts: ["company_id", "invitation_id", "merchant_account_id"],
  governance_notices: ["due_at", "kind", "member_id", "role_id", "sent_at"],
  invitation_roles: ["company_id", "expires_at", "invitation_id", "role_id"],
  invitations: [
    "closed_at",
    "closed_roles",
    "company_id",
    "created_at",
    "email",
    "expires_at",
    "id",
    "invited_by",
    "language",
    "last_sent_at",
    "scope_kind",
    "status",
    "token_hash",
  ],
  known_devices: [
    "account_id",
    "consecutive_failures",
    "created_at",
    "expires_at",
    "id",
    "is_unlock_pass",
    "last_login_at",
    "locked_until",
    "token_hash",
  ],
  login_throttle: ["consecutive_failures", "email", "locked_until", "updated_at"],
  login_unlock_links: ["account_id", "created_at", "expires_at", "id", "token_hash", "used_at"],
  member_activity: ["company_id", "last_active_at", "member_active", "member_id"],
  members_never_active: ["company_id", "joined_at", "member_active", "member_id"],
  member_counts: ["active", "company_id", "deactivated"],
  member_role_counts: ["active", "company_id", "deactivated", "role_id"],
  member_roles: ["company_id", "expires_at", "member_id", "role_id"],
  member_standing: ["earliest_expiry", "member_id", "permissions", "role_ids", "role_keys"],
  members: [
    "account_id",
    "company_id",
    "deactivated_at",
    "email",
    "has_second_factor",
    "id",
    "invited_by",
    "joined_at",
    "name",
    "scim_external_id",
    "scope_kind",
    "status",
    "version",
  ],
  mail_outbox: [
    "attempts",
    "created_at",
    "html_body",
    "id",
    "is_sensitive",
    "kind",
    "last_error",
    "locked_until",
    "next_attempt_at",
    "sent_at",
    "seq",
    "status",
    "subject",
    "text_body",
    "to_address",
  ],
  password_reset_tokens: [
    "account_id",
    "created_at",
    "expires_at",
    "id",
    "token_hash",
    "used_at",
    "voided_at",
  ],
  permissions: ["key"],
  settlement_batches: [
    "company_id",
    "currency",
    "fees_minor",
    "gross_minor",
    "id",
    "merchant_account_id",
    "net_minor",
    "period_end",
    "period_start",
    "reference",
    "refunds_minor",
    "settled_at",
    "status",
    "transaction_count",
  ],
  transactions: [
    "amount_minor",
    "company_id",
    "currency",
    "error_code",
    "id",
    "merchant_account_id",
    "merchant_reference",
    "occurred_at",
    "payment_method",
    "settlement_batch_id",
    "status",
  ],
  mfa_factors: [
    "account_id",
    "confirmed_at",
    "created_at",
    "credential_id",
    "id",
    "last_used_at",
    "name",
    "public_key",
    "sign_count",
    "totp_last_step",
    "totp_secret_sealed",
    "transports",
    "type",
  ],
  mfa_recovery_codes: ["account_id", "code_hash", "created_at", "id", "used_at"],
  role_permissions: ["permission", "role_id"],
  roles: ["company_id", "created_at", "description", "id", "key", "name", "updated_at"],
  schema_migrations: ["applied_at", "name", "version"],
  session_elevations: ["company_id", "session_id", "verified_until"],
  sessions: [
    "account_id",
    "created_at",
    "expires_at",
    "id",
    "ip",
    "last_seen_at",
    "second_step_failures",
    "stage",
    "step_up_until",
    "token_hash",
    "user_agent",
  ],
  verification_challenges: [
    "account_id",
    "attempts",
    "code_hash",
    "company_id",
    "consumed_at",
    "created_at",
    "expires_at",
    "id",
    "locked_at",
    "method",
    "purpose",
    "session_id",
    "target_email",
    "voided_at",
  ],
  webauthn_challenges: [
    "account_id",
    "challenge",
    "created_at",
    "expires_at",
    "id",
    "purpose",
    "session_id",
    "used_at",
  ],
  verification_throttle: ["account_id", "consecutive_failures", "locked_until", "updated_at"],
  company_domains: [
    "company_id",
    "created_at",
    "created_by",
    "domain",
    "id",
    "verification_token",
    "verified_at",
  ],
  sso_break_glass_members: ["company_id", "member_id"],
  scim_tokens: [
    "company_id",
    "created_at",
    "created_by",
    "id",
    "last_used_at",
    "name",
    "revoked_at",
    "revoked_by",
    "token_hash",
  ],
  sso_connections: [
    "company_id",
    "default_role_id",
    "enabled",
    "groups_attribute",
    "oidc_client_id",
    "oidc_client_secret_sealed",
    "oidc_issuer",
    "protocol",
    "require_sso",
    "saml_allow_idp_initiated",
    "saml_idp_certificate",
    "saml_idp_entity_id",
    "saml_idp_sso_url",
    "updated_at",
    "updated_by",
    "version",
  ],
  sso_group_mappings: ["company_id", "group_name", "role_id", "scope_kind"],
  sso_group_mapping_merchant_accounts: ["company_id", "group_name", "merchant_account_id", "role_id"],
  saml_login_requests: [
    "asserted_at",
    "browser_binding_hash",
    "company_id",
    "created_at",
    "expires_at",
    "id",
    "identity",
  ],
  saml_used_assertions: ["assertion_id", "company_id", "expires_at", "used_at"],
  webhook_deliveries: [
    "attempts",
    "body",
    "company_id",
    "created_at",
    "delivered_at",
    "endpoint_id",
    "event_id",
    "event_type",
    "id",
    "last_attempt_at",
    "last_duration_ms",
    "last_error",
    "last_response_excerpt",
    "last_status_code",
    "locked_until",
    "next_attempt_at",
    "redelivery_of",
    "seq",
    "status",
  ],
  webhook_endpoints: [
    "company_id",
    "created_at",
    "created_by",
    "description",
    "disabled_reason",
    "enabled",
    "events",
    "id",
    "previous_secret_expires_at",
    "previous_secret_sealed",
    "secret_sealed",
    "updated_at",
    "url",
  ],
};

describe.each(testDatabaseKinds)("database schema on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  it("has exactly the tables and columns the Kysely types declare", async () => {
    const rows = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public'
         -- A partition (audit_events' months, migration 021) is its parent's storage, not a table.
         AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition)
       ORDER BY table_name, column_name`.execute(h.db);
    const live: Record<string, string[]> = {};
    for (const row of rows.rows) {
      live[row.table_name] = [...(live[row.table_name] ?? []), row.column_name];
    }
    expect(live).toEqual(EXPECTED_COLUMNS);
  });

  it("holds exactly the permission catalogue", async () => {
    const rows = await h.db.selectFrom("permissions").select("key").orderBy("key").execute();
    expect(rows.map((r) => r.key)).toEqual([...PERMISSION_KEYS].sort());
  });

  it("keeps the member search indexes without a pending list, and room on member pages (migrations 013, 040, 044)", async () => {
    const rows = await sql<{ relname: string; reloptions: string[] | null }>`
      SELECT relname, reloptions FROM pg_class
       WHERE relname IN ('members', 'members_company_email_trgm_idx', 'members_company_email_inside_trgm_idx',
                         'members_company_local_inside_trgm_idx')
       ORDER BY relname`.execute(h.db);
    expect(rows.rows).toEqual([
      { relname: "members", reloptions: ["fillfactor=90"] },
      { relname: "members_company_email_inside_trgm_idx", reloptions: ["fastupdate=off"] },
      { relname: "members_company_email_trgm_idx", reloptions: ["fastupdate=off"] },
      { relname: "members_company_local_inside_trgm_idx", reloptions: ["fastupdate=off"] },
    ]);
  });

  it("estimates member searches from a finer sample of the searched emails (migration 045)", async () => {
    const rows = await sql<{ relname: string; attstattarget: number }>`
      SELECT c.relname, a.attstattarget FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       WHERE (c.relname = 'members' AND a.attname = 'email')
          OR (c.relname IN ('members_company_email_inside_trgm_idx', 'members_company_local_inside_trgm_idx')
              AND a.attnum = 2)
       ORDER BY c.relname`.execute(h.db);
    expect(rows.rows.map((row) => ({ ...row, attstattarget: Number(row.attstattarget) }))).toEqual([
      { relname: "members", attstattarget: 1000 },
      { relname: "members_company_email_inside_trgm_idx", attstattarget: 1000 },
      { relname: "members_company_local_inside_trgm_idx", attstattarget: 1000 },
    ]);
  });

  it("rule 11: refuses to update, delete or truncate audit events", async () => {
    await recordAudit(h.db, {
      action: "test.event" as AuditAction,
      outcome: "success",
      meta: { ip: null, userAgent: null, requestId: null },
      at: h.clock.now(),
    });
    await expect(h.db.updateTable("audit_events").set({ action: "test.changed" }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(h.db.deleteFrom("audit_events").execute()).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_events`.execute(h.db)).rejects.toThrow(/append-only/);
    const count = await h.db
      .selectFrom("audit_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBeGreaterThan(0);
  });

  it("rule 11: strips secrets from audit details before storing them", async () => {
    await recordAudit(h.db, {
      action: "test.secret" as AuditAction,
      outcome: "success",
      details: {
        password: "hunter2 hunter2",
        nested: { token: "abc", sessionId: "s" },
        email: "a@example.com",
      },
      meta: { ip: null, userAgent: null, requestId: null },
      at: h.clock.now(),
    });
    const row = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("action", "=", "test.secret")
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row.details)).not.toMatch(/hunter2|abc/);
    expect(row.details).toMatchObject({ email: "a@example.com", password: "[redacted]" });
  });

  it("allows one membership per account and company", async () => {
    const company = await h.company("Unique Co");
    await expect(
      h.db.insertInto("members").values({ company_id: company.id, account_id: company.admin.id }).execute(),
    ).rejects.toThrow();
  });

  it("never lets a role of one company be given to a member of another", async () => {
    const a = await h.company("Role A");
    const b = await h.company("Role B");
    await expect(
      h.db
        .insertInto("member_roles")
        .values({ company_id: a.id, member_id: a.admin.memberId, role_id: b.roleIds.finance })
        .execute(),
    ).rejects.toThrow();
  });

  describe("invitations (rule 8)", () => {
    const invitation = (companyId: string, email: string, label: string) => ({
      company_id: companyId,
      email,
      token_hash: createHash("sha256").update(label).digest("hex"),
      created_at: h.clock.now(),
      last_sent_at: h.clock.now(),
      expires_at: new Date(h.clock.now().getTime() + 86_400_000),
    });

    it("allows one pending invitation per company and email, any number of closed ones", async () => {
      const company = await h.company("Invite Unique Co");
      const first = await h.db
        .insertInto("invitations")
        .values(invitation(company.id, "once@example.com", "a"))
        .returning("id")
        .executeTakeFirstOrThrow();
      await expect(
        h.db
          .insertInto("invitations")
          .values(invitation(company.id, "once@example.com", "b"))
          .execute(),
      ).rejects.toThrow();
      await h.db
        .updateTable("invitations")
        .set({ status: "revoked", closed_at: h.clock.now(), closed_roles: "[]" })
        .where("id", "=", first.id)
        .execute();
      await h.db
        .insertInto("invitations")
        .values(invitation(company.id, "once@example.com", "c"))
        .execute();
    });

    it("refuses an unknown status, a non-canonical email and a closed invitation without its closing", async () => {
      const company = await h.company("Invite Check Co");
      await expect(
        h.db
          .insertInto("invitations")
          .values({ ...invitation(company.id, "x@example.com", "d"), status: "lost" as "expired" })
          .execute(),
      ).rejects.toThrow();
      await expect(
        h.db
          .insertInto("invitations")
          .values(invitation(company.id, "Upper@Example.com", "e"))
          .execute(),
      ).rejects.toThrow();
      await expect(
        h.db
          .insertInto("invitations")
          .values({ ...invitation(company.id, "y@example.com", "f"), status: "accepted" })
          .execute(),
      ).rejects.toThrow();
    });

    it("never offers a role of another company, and keeps an offered role from being deleted", async () => {
      const a = await h.company("Invite Role A");
      const b = await h.company("Invite Role B");
      const row = await h.db
        .insertInto("invitations")
        .values(invitation(a.id, "offered@example.com", "g"))
        .returning("id")
        .executeTakeFirstOrThrow();
      await expect(
        h.db
          .insertInto("invitation_roles")
          .values({ company_id: a.id, invitation_id: row.id, role_id: b.roleIds.finance })
          .execute(),
      ).rejects.toThrow();
      const custom = await h.db
        .insertInto("roles")
        .values({ company_id: a.id, key: null, name: "Offered" })
        .returning("id")
        .executeTakeFirstOrThrow();
      await h.db
        .insertInto("invitation_roles")
        .values({ company_id: a.id, invitation_id: row.id, role_id: custom.id })
        .execute();
      await expect(h.db.deleteFrom("roles").where("id", "=", custom.id).execute()).rejects.toThrow();
    });
  });

  it("keeps canonical emails unique and lower-case", async () => {
    await h.account("unique.person@example.com");
    await expect(h.account("unique.person@example.com")).rejects.toThrow();
    await expect(
      h.db
        .insertInto("accounts")
        .values({ email: "Upper@Example.com", name: "x", password_hash: "x" })
        .execute(),
    ).rejects.toThrow();
  });
});
