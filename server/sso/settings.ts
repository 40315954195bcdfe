// A company's SSO connection settings (SPEC §6.3, §6.8): reading them with what the IdP must be
// told about us, and changing them (validated, optimistic version, rule 6 on mapped roles and
// scopes, audited).
import { X509Certificate } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { ADMIN_ROLE_KEY } from "../access/permissions.js";
import { refuseGrantBeyondOwn } from "../access/policy.js";
import { ALL_ACCOUNTS, normalizeScope, refuseScopeBeyondOwn, type Scope } from "../access/scope.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { findMemberStanding } from "../invitations/queries.js";
import { findMemberScope } from "../merchant-accounts/queries.js";
import { checkRequestedScope } from "../merchant-accounts/service.js";
import { sealSecret } from "../mfa/secret-box.js";
import {
  type ConnectionRow,
  findActiveAdminMemberIds,
  findConnection,
  findConnectionForUpdate,
  findRolePermissions,
  listBreakGlassMemberIds,
  listMappings,
  listVerifiedDomains,
  replaceBreakGlassMembers,
  replaceMappings,
  writeConnection,
} from "./queries.js";
import { serviceProviderUrls } from "./saml/service-provider.js";

export const MAX_BREAK_GLASS_MEMBERS = 2;
export const MAX_GROUP_MAPPINGS = 200;

/** Where the OpenID provider sends people back. SAML's URLs are per company (saml/service-provider.ts). */
export const OIDC_CALLBACK_PATH = "/api/auth/sso/oidc/callback";

/** The OIDC client secret is sealed bound to its company: a sealed value copied to another row fails. */
export function clientSecretContext(companyId: string): string {
  return `sso-oidc-client-secret:${companyId}`;
}

export type SsoSettingsInput = {
  protocol: "oidc" | "saml";
  enabled: boolean;
  oidcIssuer: string | null;
  oidcClientId: string | null;
  /** Omitted: the stored secret stays; a string replaces it; null removes it. */
  oidcClientSecret?: string | null;
  samlIdpEntityId: string | null;
  samlSsoUrl: string | null;
  samlCertificate: string | null;
  samlAllowIdpInitiated: boolean;
  groupsAttribute: string;
  defaultRoleId: string | null;
  /** A mapping without a scope gives all of the company's merchant accounts. */
  mappings: { group: string; roleId: string; scope?: Scope }[];
  requireSso: boolean;
  breakGlassMemberIds: string[];
  /** The version read (0 when none was saved yet); a stale one gets 409 conflict. */
  version: number;
};

export type SsoContext = {
  db: Kysely<DB>;
  companyId: string;
  actor: { accountId: string; email: string };
  meta: RequestMeta;
  now: Date;
  publicUrl: string;
  secretKey: Buffer;
  /** Outside production an IdP may be on plain http (the tests' loopback provider). */
  allowHttpIssuer: boolean;
};

export function serviceProviderValues(publicUrl: string, companyId: string) {
  const saml = serviceProviderUrls(publicUrl, companyId);
  return {
    oidcRedirectUri: `${publicUrl}${OIDC_CALLBACK_PATH}`,
    samlAcsUrl: saml.acsUrl,
    samlEntityId: saml.entityId,
    samlMetadataUrl: saml.metadataUrl,
  };
}

function settingsView(
  row: ConnectionRow | undefined,
  mappings: { group_name: string; role_id: string; scope: Scope }[],
  breakGlass: string[],
) {
  return {
    configured: row !== undefined,
    protocol: row?.protocol ?? null,
    enabled: row?.enabled ?? false,
    oidcIssuer: row?.oidc_issuer ?? null,
    oidcClientId: row?.oidc_client_id ?? null,
    hasClientSecret: row?.oidc_client_secret_sealed != null,
    samlIdpEntityId: row?.saml_idp_entity_id ?? null,
    samlSsoUrl: row?.saml_idp_sso_url ?? null,
    samlCertificate: row?.saml_idp_certificate ?? null,
    samlAllowIdpInitiated: row?.saml_allow_idp_initiated ?? false,
    groupsAttribute: row?.groups_attribute ?? "groups",
    defaultRoleId: row?.default_role_id ?? null,
    mappings: mappings.map((m) => ({ group: m.group_name, roleId: m.role_id, scope: m.scope })),
    requireSso: row?.require_sso ?? false,
    breakGlassMemberIds: breakGlass,
    version: row?.version ?? 0,
  };
}

export type SsoSettingsView = ReturnType<typeof settingsView>;

export async function readSsoSettings(
  db: Kysely<DB> | Transaction<DB>,
  companyId: string,
  publicUrl: string,
) {
  const [row, mappings, breakGlass, domains] = await Promise.all([
    findConnection(db, companyId),
    listMappings(db, companyId),
    listBreakGlassMemberIds(db, companyId),
    listVerifiedDomains(db, companyId),
  ]);
  return {
    ...settingsView(row, mappings, breakGlass),
    verifiedDomains: domains,
    serviceProvider: serviceProviderValues(publicUrl, companyId),
  };
}

function invalid(field: string, message: string): AppError {
  return new AppError("invalid_sso_settings", message, { field });
}

function requireUrl(value: string | null, field: string, allowHttp: boolean): string {
  if (!value) throw invalid(field, `${field} is required for this protocol.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `${field} must be an absolute URL.`);
  }
  if (url.protocol !== "https:" && !(allowHttp && url.protocol === "http:")) {
    throw invalid(field, `${field} must be an https URL.`);
  }
  if (url.username || url.password || url.hash)
    throw invalid(field, `${field} must not carry credentials or a fragment.`);
  return value;
}

/** The input checked field by field; throws 400 invalid_sso_settings naming the field. */
export function validateSsoSettings(input: SsoSettingsInput, allowHttp: boolean): SsoSettingsInput {
  const checked = { ...input };
  if (input.protocol === "oidc") {
    checked.oidcIssuer = requireUrl(input.oidcIssuer, "oidcIssuer", allowHttp).replace(/\/+$/, "");
    if (!input.oidcClientId?.trim())
      throw invalid("oidcClientId", "oidcClientId is required for OpenID Connect.");
    checked.oidcClientId = input.oidcClientId.trim();
  } else {
    if (!input.samlIdpEntityId?.trim())
      throw invalid("samlIdpEntityId", "samlIdpEntityId is required for SAML.");
    checked.samlIdpEntityId = input.samlIdpEntityId.trim();
    checked.samlSsoUrl = requireUrl(input.samlSsoUrl, "samlSsoUrl", allowHttp);
    checked.samlCertificate = normalizeCertificate(input.samlCertificate);
  }
  const pairs = new Set<string>();
  for (const mapping of input.mappings) {
    const key = `${mapping.group}\u0000${mapping.roleId.toLowerCase()}`;
    if (pairs.has(key))
      throw invalid("mappings", `The group "${mapping.group.slice(0, 100)}" maps to the same role twice.`);
    pairs.add(key);
  }
  checked.mappings = input.mappings.map((m) => ({
    group: m.group,
    roleId: m.roleId.toLowerCase(),
    scope: normalizeScope(m.scope ?? ALL_ACCOUNTS),
  }));
  checked.breakGlassMemberIds = [...new Set(input.breakGlassMemberIds.map((id) => id.toLowerCase()))];
  if (checked.breakGlassMemberIds.length > MAX_BREAK_GLASS_MEMBERS) {
    throw invalid("breakGlassMemberIds", `At most ${MAX_BREAK_GLASS_MEMBERS} break-glass Admins.`);
  }
  if (input.requireSso && !input.enabled) {
    throw invalid("requireSso", "Enable the connection before requiring single sign-on.");
  }
  return checked;
}

/** A PEM certificate (or its bare base64 body) that parses; stored as PEM. */
function normalizeCertificate(value: string | null): string {
  if (!value?.trim()) throw invalid("samlCertificate", "samlCertificate is required for SAML.");
  const body = value.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)?.join("\n") ?? ""}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
  } catch {
    throw invalid("samlCertificate", "samlCertificate is not a valid X.509 certificate.");
  }
  return pem;
}

/** What the audit event keeps of the settings: everything but the secret, which it only says changed. */
function audited(view: ReturnType<typeof settingsView>) {
  const { hasClientSecret, ...rest } = view;
  return {
    ...rest,
    samlCertificate: rest.samlCertificate ? "(certificate)" : null,
    hasClientCredential: hasClientSecret,
  };
}

export async function changeSsoSettings(ctx: SsoContext, input: SsoSettingsInput) {
  try {
    const wanted = validateSsoSettings(input, ctx.allowHttpIssuer);
    await ctx.db.transaction().execute((trx) => writeSettings(ctx, trx, wanted));
  } catch (error) {
    if (error instanceof AppError) {
      await recordAudit(ctx.db, {
        action: "sso.settings_change_refused",
        outcome: "denied",
        companyId: ctx.companyId,
        actor: ctx.actor,
        target: { type: "company", id: ctx.companyId },
        details: {
          reason: error.code,
          field: error.details?.field ?? null,
          sentVersion: input.version,
          ...(error.details?.merchantAccountsBeyondOwn
            ? { merchantAccountsBeyondOwn: error.details.merchantAccountsBeyondOwn }
            : {}),
        },
        meta: ctx.meta,
        at: ctx.now,
      });
    }
    throw error;
  }
  return readSsoSettings(ctx.db, ctx.companyId, ctx.publicUrl);
}

async function writeSettings(ctx: SsoContext, trx: Transaction<DB>, wanted: SsoSettingsInput) {
  const { companyId } = ctx;
  const row = await findConnectionForUpdate(trx, companyId);
  const before = settingsView(
    row,
    await listMappings(trx, companyId),
    await listBreakGlassMemberIds(trx, companyId),
  );
  if (wanted.version !== before.version) {
    throw new AppError("conflict", "The single sign-on settings changed since you read them; reload.", {
      currentVersion: before.version,
    });
  }
  await checkRoles(trx, ctx, wanted);
  await checkScopes(trx, ctx, wanted);
  await checkBreakGlass(trx, companyId, wanted.breakGlassMemberIds);

  const sealed =
    wanted.oidcClientSecret === undefined
      ? (row?.oidc_client_secret_sealed ?? null)
      : wanted.oidcClientSecret === null || wanted.oidcClientSecret === ""
        ? null
        : sealSecret(ctx.secretKey, wanted.oidcClientSecret, clientSecretContext(companyId));
  const values = {
    protocol: wanted.protocol,
    enabled: wanted.enabled,
    oidc_issuer: wanted.protocol === "oidc" ? wanted.oidcIssuer : (row?.oidc_issuer ?? null),
    oidc_client_id: wanted.protocol === "oidc" ? wanted.oidcClientId : (row?.oidc_client_id ?? null),
    oidc_client_secret_sealed: sealed,
    saml_idp_entity_id:
      wanted.protocol === "saml" ? wanted.samlIdpEntityId : (row?.saml_idp_entity_id ?? null),
    saml_idp_sso_url: wanted.protocol === "saml" ? wanted.samlSsoUrl : (row?.saml_idp_sso_url ?? null),
    saml_idp_certificate:
      wanted.protocol === "saml" ? wanted.samlCertificate : (row?.saml_idp_certificate ?? null),
    saml_allow_idp_initiated: wanted.samlAllowIdpInitiated,
    groups_attribute: wanted.groupsAttribute,
    default_role_id: wanted.defaultRoleId,
    require_sso: wanted.requireSso,
    updated_at: ctx.now,
    updated_by: ctx.actor.accountId,
  };
  await writeConnection(trx, companyId, values, row !== undefined);
  await replaceMappings(
    trx,
    companyId,
    wanted.mappings.map((m) => ({ ...m, scope: m.scope ?? ALL_ACCOUNTS })),
  );
  await replaceBreakGlassMembers(trx, companyId, wanted.breakGlassMemberIds);
  const after = settingsView(
    await findConnection(trx, companyId),
    await listMappings(trx, companyId),
    await listBreakGlassMemberIds(trx, companyId),
  );
  await recordAudit(trx, {
    action: "sso.settings_changed",
    outcome: "success",
    companyId,
    actor: ctx.actor,
    target: { type: "company", id: companyId },
    details: {
      before: row ? audited(before) : null,
      after: audited(after),
      clientCredentialChanged: wanted.oidcClientSecret !== undefined,
    },
    meta: ctx.meta,
    at: ctx.now,
  });
}

/**
 * Every mapped or default role is a role of this company the actor may grant (rule 6): a mapping
 * grants roles at each login as its author would.
 */
async function checkRoles(trx: Transaction<DB>, ctx: SsoContext, wanted: SsoSettingsInput) {
  const roleIds = [
    ...new Set([
      ...wanted.mappings.map((m) => m.roleId),
      ...(wanted.defaultRoleId ? [wanted.defaultRoleId.toLowerCase()] : []),
    ]),
  ];
  if (wanted.defaultRoleId) wanted.defaultRoleId = wanted.defaultRoleId.toLowerCase();
  if (roleIds.length === 0) return;
  const roles = await findRolePermissions(trx, ctx.companyId, roleIds);
  const known = new Set(roles.map((r) => r.id));
  const unknown = roleIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError("validation_failed", "Unknown role for this company.", {
      field: "mappings",
      unknownRoleIds: unknown,
    });
  }
  const actor = await findMemberStanding(trx, ctx.companyId, ctx.actor.accountId);
  if (actor?.status !== "active") throw new AppError("not_found");
  refuseGrantBeyondOwn(
    actor,
    roles.flatMap((r) => (r.permission ? [r.permission] : [])),
  );
}

/**
 * Each mapping's merchant accounts are the company's (400 otherwise), and rule 6 extends to them as
 * to the roles: a mapping, and the default role (which gives all accounts), grants scope at each
 * login as its author would, so no author grants an account beyond their own scope.
 */
async function checkScopes(trx: Transaction<DB>, ctx: SsoContext, wanted: SsoSettingsInput) {
  for (const mapping of wanted.mappings) {
    try {
      mapping.scope = await checkRequestedScope(trx, ctx.companyId, mapping.scope ?? ALL_ACCOUNTS);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      throw new AppError(error.code, error.message, { ...error.details, field: "mappings" });
    }
  }
  const granted = [
    ...wanted.mappings.map((m) => m.scope ?? ALL_ACCOUNTS),
    ...(wanted.defaultRoleId ? [ALL_ACCOUNTS] : []),
  ];
  if (granted.length === 0) return;
  const actorScope = (await findMemberScope(trx, ctx.companyId, ctx.actor.accountId)) ?? {
    kind: "restricted",
    merchantAccountIds: [],
  };
  for (const scope of granted) refuseScopeBeyondOwn(actorScope, scope);
}

/** Break-glass members are active Admins of the company (they keep password login when SSO is required). */
async function checkBreakGlass(trx: Transaction<DB>, companyId: string, memberIds: readonly string[]) {
  if (memberIds.length === 0) return;
  const found = await findActiveAdminMemberIds(trx, companyId, memberIds, ADMIN_ROLE_KEY);
  const notAdmins = memberIds.filter((id) => !found.has(id));
  if (notAdmins.length > 0) {
    throw invalid("breakGlassMemberIds", "Break-glass members must be active Admins of the company.");
  }
}
