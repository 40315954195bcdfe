// The SCIM server's use cases (SPEC §6.3): Users are the company's members, Groups its roles. The
// token acts as the system with Admin power through the members service, so rules 4, 6 and 9 hold
// as for a person (never the last Admin; deactivation ends access at the next request); audited.
import type { Kysely } from "kysely";
import type { ScimCaller } from "../access/scim-token-queries.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import { createAccountWithoutPassword } from "../auth/accounts.js";
import { addMember } from "../companies/service.js";
import { isUniqueViolation } from "../db/error-kinds.js";
import type { DB } from "../db/schema.js";
import { listVerifiedDomainNames } from "../domains/queries.js";
import { isUuid } from "../ids.js";
import {
  changeMemberRoles,
  deactivateMember,
  type MemberContext,
  reactivateMember,
} from "../members/service.js";
import { emitWebhookEvent, webhookEvent } from "../webhooks/events.js";
import {
  attributeOf,
  GROUP_SCHEMA,
  isRecord,
  listResponse,
  memberValueFilter,
  type PatchOperation,
  parseFilter,
  parsePage,
  readPatchOperations,
  ScimError,
  scimBoolean,
  scimString,
} from "./protocol.js";
import {
  findAccountIdByEmail,
  findCompanyMemberIds,
  findDefaultRoleId,
  findMembershipOfAccount,
  findScimUser,
  listMemberIdsOfRole,
  listRoleIdsOfMember,
  listScimGroups,
  listScimUsers,
  type ScimGroupRow,
  type ScimUserRow,
  setExternalId,
} from "./queries.js";
import { canonicalUserName, readUser, userAttributeOf, userResource } from "./users.js";

export type ScimContext = {
  db: Kysely<DB>;
  caller: ScimCaller;
  meta: RequestMeta;
  now: Date;
  /** PUBLIC_URL + /scim/v2: resources' meta.location and $ref. */
  baseUrl: string;
};

export type ListQuery = {
  filter?: string;
  startIndex?: string;
  count?: string;
  excludedAttributes?: string;
};

/** Names the token in every audit event it causes: the log has no account to show for it. */
function scimAuditDetails(ctx: ScimContext) {
  return { scimClient: ctx.caller.tokenName, scimClientId: ctx.caller.tokenId };
}

function memberContext(ctx: ScimContext): MemberContext {
  return {
    db: ctx.db,
    companyId: ctx.caller.companyId,
    actor: {
      kind: "system",
      name: `Your company's identity provider (${ctx.caller.tokenName})`,
      auditDetails: scimAuditDetails(ctx),
    },
    meta: ctx.meta,
    now: ctx.now,
  };
}

async function audit(
  ctx: ScimContext,
  action: "scim.user_created" | "scim.user_linked" | "scim.request_refused",
  target: string | null,
  details: Record<string, unknown>,
  db: Kysely<DB> | Parameters<typeof recordAudit>[0] = ctx.db,
) {
  await recordAudit(db, {
    action,
    outcome: action === "scim.request_refused" ? "denied" : "success",
    companyId: ctx.caller.companyId,
    actor: null,
    target: target ? { type: "member", id: target } : null,
    details: { ...details, ...scimAuditDetails(ctx) },
    meta: ctx.meta,
    at: ctx.now,
  });
}

// ---- Users -----------------------------------------------------------------------------------

export async function listUsers(ctx: ScimContext, query: ListQuery) {
  const page = parsePage(query);
  const filter = parseFilter(query.filter, ["userName", "externalId", "id", "emails[type].value"]);
  let where: { userName?: string; externalId?: string; id?: string } = {};
  // A member's one email is their userName, answered as the "work" email: another type is nobody's.
  if (filter?.attribute === "emails[type].value" && filter.where?.toLowerCase() !== "work") {
    return listResponse([], 0, page);
  }
  if (filter?.attribute === "userName" || filter?.attribute === "emails[type].value") {
    const email = canonicalUserName(filter.value);
    // No member has an email that is not one: an empty list, as for any name nobody has.
    if (email === null) return listResponse([], 0, page);
    where = { userName: email };
  } else if (filter?.attribute === "externalId") {
    where = { externalId: filter.value };
  } else if (filter?.attribute === "id") {
    if (!isUuid(filter.value)) return listResponse([], 0, page);
    where = { id: filter.value.toLowerCase() };
  }
  const { rows, total } = await listScimUsers(ctx.db, ctx.caller.companyId, where, page);
  return listResponse(
    rows.map((row) => userResource(row, ctx.baseUrl)),
    total,
    page,
  );
}

async function requireUser(ctx: ScimContext, memberId: string): Promise<ScimUserRow> {
  const row = isUuid(memberId)
    ? await findScimUser(ctx.db, ctx.caller.companyId, memberId.toLowerCase())
    : undefined;
  if (!row) throw new ScimError(404, undefined, "No such user in this company.");
  return row;
}

export async function getUser(ctx: ScimContext, memberId: string) {
  return userResource(await requireUser(ctx, memberId), ctx.baseUrl);
}

/**
 * Provisions a member: the account of the userName's email (made, without a usable password, when
 * there is none) becomes an active member with the SSO connection's default role, or no role until
 * a Group gives one. Only emails of the company's verified domains: a token must not pull in people
 * of domains the company has not proved are its own.
 */
export async function createUser(ctx: ScimContext, body: unknown) {
  const input = readUser(body);
  const companyId = ctx.caller.companyId;
  const domain = input.email.slice(input.email.lastIndexOf("@") + 1);
  if (!(await listVerifiedDomainNames(ctx.db, companyId)).includes(domain)) {
    await audit(ctx, "scim.request_refused", null, { reason: "domain_not_verified", email: input.email });
    throw new ScimError(
      400,
      "invalidValue",
      `${domain} is not a verified domain of this company; verify it under Security → Domains first.`,
    );
  }
  let memberId: string;
  try {
    memberId = await ctx.db.transaction().execute(async (trx) => {
      const accountId =
        (await findAccountIdByEmail(trx, input.email)) ??
        (await createAccountWithoutPassword(trx, { email: input.email, name: input.name, now: ctx.now })).id;
      if (await findMembershipOfAccount(trx, companyId, accountId)) {
        throw new ScimError(409, "uniqueness", "A user with this userName already exists in this company.");
      }
      const defaultRoleId = await findDefaultRoleId(trx, companyId);
      const id = await addMember(trx, {
        companyId,
        accountId,
        roleIds: defaultRoleId ? [defaultRoleId] : [],
        invitedBy: null,
        now: ctx.now,
      });
      if (input.externalId !== undefined) await setExternalId(trx, companyId, id, input.externalId);
      await audit(
        ctx,
        "scim.user_created",
        id,
        {
          email: input.email,
          roleIds: defaultRoleId ? [defaultRoleId] : [],
          externalId: input.externalId ?? null,
        },
        trx,
      );
      // A provisioning event (SPEC §6.5), in the transaction that made the member.
      await emitWebhookEvent(
        trx,
        webhookEvent(companyId, "member.joined", ctx.now, {
          memberId: id,
          accountId,
          email: input.email,
          roleIds: defaultRoleId ? [defaultRoleId] : [],
          provisionedBy: "scim",
        }),
      );
      return id;
    });
  } catch (error) {
    // Two creates of one person at once: the second meets the first's account or membership.
    if (isUniqueViolation(error)) {
      throw new ScimError(409, "uniqueness", "A user with this userName already exists in this company.");
    }
    throw error;
  }
  if (input.active === false) await deactivateMember(memberContext(ctx), memberId, {});
  return getUser(ctx, memberId);
}

async function applyUserChanges(
  ctx: ScimContext,
  row: ScimUserRow,
  change: { active?: boolean; externalId?: string | null },
) {
  if (change.externalId !== undefined && change.externalId !== row.scim_external_id) {
    await ctx.db.transaction().execute(async (trx) => {
      await setExternalId(trx, ctx.caller.companyId, row.id, change.externalId ?? null);
      await audit(
        ctx,
        "scim.user_linked",
        row.id,
        {
          email: row.email,
          before: { externalId: row.scim_external_id },
          after: { externalId: change.externalId },
        },
        trx,
      );
    });
  }
  // Rule 9 through the members service: at once, the sessions lose the company on their next request.
  if (change.active === false && row.status === "active")
    await deactivateMember(memberContext(ctx), row.id, {});
  if (change.active === true && row.status === "deactivated")
    await reactivateMember(memberContext(ctx), row.id, {});
  return getUser(ctx, row.id);
}

function refuseUserNameChange(row: ScimUserRow, value: unknown): void {
  if (canonicalUserName(value) !== row.email) {
    throw new ScimError(
      400,
      "mutability",
      "userName cannot change: the account spans companies. Deprovision this user and provision the new name.",
    );
  }
}

/** PUT: the body replaces the member's provisioned state (its status and externalId; see readUser). */
export async function replaceUser(ctx: ScimContext, memberId: string, body: unknown) {
  const row = await requireUser(ctx, memberId);
  const input = readUser(body);
  refuseUserNameChange(row, input.email);
  return applyUserChanges(ctx, row, { active: input.active, externalId: input.externalId });
}

/** PATCH in Okta's shape (no path, a value object) and Entra ID's (a path, string booleans). */
export async function patchUser(ctx: ScimContext, memberId: string, body: unknown) {
  const operations = readPatchOperations(body);
  const row = await requireUser(ctx, memberId);
  const change: { active?: boolean; externalId?: string | null } = {};
  const apply = (op: PatchOperation["op"], path: string, value: unknown) => {
    const attribute = userAttributeOf(path);
    if (attribute === null)
      throw new ScimError(400, "invalidPath", `Unknown attribute "${path.slice(0, 100)}".`);
    if (attribute === "active") {
      if (op === "remove") throw new ScimError(400, "mutability", "active cannot be removed.");
      change.active = scimBoolean(value, "active");
    } else if (attribute === "externalId") {
      change.externalId = op === "remove" ? null : scimString(value, "externalId");
    } else if (attribute === "userName") {
      if (op === "remove") throw new ScimError(400, "mutability", "userName cannot be removed.");
      refuseUserNameChange(row, value);
    }
  };
  for (const operation of operations) {
    if (operation.path !== null) {
      apply(operation.op, operation.path, operation.value);
    } else if (isRecord(operation.value) && operation.op !== "remove") {
      for (const [key, value] of Object.entries(operation.value)) apply(operation.op, key, value);
    } else {
      throw new ScimError(400, "noTarget", "An operation without a path needs an object value.");
    }
  }
  return applyUserChanges(ctx, row, change);
}

/** DELETE deactivates (rule 9), keeping the member's roles for a later reactivation and the audit trail. */
export async function deleteUser(ctx: ScimContext, memberId: string): Promise<void> {
  const row = await requireUser(ctx, memberId);
  if (row.status === "active") await deactivateMember(memberContext(ctx), row.id, {});
}

// ---- Groups ----------------------------------------------------------------------------------

function groupResource(row: ScimGroupRow, baseUrl: string) {
  return {
    schemas: [GROUP_SCHEMA],
    id: row.id,
    displayName: row.name,
    ...(row.members !== null || row.member_count === 0
      ? {
          members: (row.members ?? []).map((member) => ({
            value: member.id,
            display: member.email,
            $ref: `${baseUrl}/Users/${member.id}`,
          })),
        }
      : {}),
    meta: { resourceType: "Group", location: `${baseUrl}/Groups/${row.id}` },
  };
}

const excludesMembers = (query: { excludedAttributes?: string }) =>
  (query.excludedAttributes ?? "")
    .split(",")
    .some((attribute) => attribute.trim().toLowerCase() === "members");

export async function listGroups(ctx: ScimContext, query: ListQuery) {
  const page = parsePage(query);
  const filter = parseFilter(query.filter, ["displayName", "externalId", "id"]);
  if (filter?.attribute === "id" && !isUuid(filter.value)) return listResponse([], 0, page);
  // Groups are the company's roles, which carry no externalId: no group has the one asked for.
  if (filter?.attribute === "externalId") return listResponse([], 0, page);
  const where =
    filter?.attribute === "displayName"
      ? { displayName: filter.value }
      : filter?.attribute === "id"
        ? { id: filter.value.toLowerCase() }
        : {};
  const withMembers = !excludesMembers(query);
  const { rows, total } = await listScimGroups(ctx.db, ctx.caller.companyId, where, page, withMembers);
  return listResponse(
    rows.map((row) => groupResource({ ...row, members: withMembers ? row.members : null }, ctx.baseUrl)),
    total,
    page,
  );
}

async function requireGroup(ctx: ScimContext, roleId: string, withMembers: boolean): Promise<ScimGroupRow> {
  const found = isUuid(roleId)
    ? await listScimGroups(
        ctx.db,
        ctx.caller.companyId,
        { id: roleId.toLowerCase() },
        { startIndex: 1, count: 1 },
        withMembers,
      )
    : { rows: [] };
  const row = found.rows[0];
  if (!row) throw new ScimError(404, undefined, "No such group in this company.");
  return row;
}

export async function getGroup(ctx: ScimContext, roleId: string, query: { excludedAttributes?: string }) {
  const withMembers = !excludesMembers(query);
  const row = await requireGroup(ctx, roleId, withMembers);
  return groupResource({ ...row, members: withMembers ? row.members : null }, ctx.baseUrl);
}

function memberIdsOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    const id = isRecord(item) ? attributeOf(item, "value") : undefined;
    if (typeof id !== "string")
      throw new ScimError(400, "invalidValue", 'Each member must be {"value": "<user id>"}.');
    return id.toLowerCase();
  });
}

/**
 * Members added to and removed from a role's group, in both providers' shapes: Okta's `add` with
 * `members` and `remove` with `members[value eq "…"]`, Entra ID's `Add`/`Remove` with a value list,
 * and `replace` of the whole list. Each member's change goes through the members service as the
 * system (Admin power, rule 6), additions first, so a removal of the last Admin (rule 4) meets the
 * Admins just added; it is refused 409 and audited. The role itself (its name) is the portal's.
 */
export async function patchGroup(ctx: ScimContext, roleId: string, body: unknown): Promise<void> {
  const operations = readPatchOperations(body);
  const group = await requireGroup(ctx, roleId, false);
  const companyId = ctx.caller.companyId;
  const current = await listMemberIdsOfRole(ctx.db, companyId, group.id);
  const wanted = new Set(current);
  const named = new Set<string>();

  const refuseRename = (value: unknown) => {
    if (typeof value !== "string" || value !== group.name) {
      throw new ScimError(
        400,
        "mutability",
        "A group is a role of the portal; rename it in the portal's Roles page.",
      );
    }
  };
  const applyMembers = (op: PatchOperation["op"], value: unknown) => {
    if (op === "remove" && value === undefined) {
      wanted.clear();
      return;
    }
    const ids = memberIdsOf(value);
    if (op === "replace") wanted.clear();
    for (const id of ids) {
      if (op === "remove") wanted.delete(id);
      else {
        wanted.add(id);
        named.add(id);
      }
    }
  };
  for (const { op, path, value } of operations) {
    const removed = path === null ? undefined : memberValueFilter(path);
    if (removed !== undefined) {
      if (removed === null || op !== "remove")
        throw new ScimError(400, "invalidPath", "Unsupported members filter.");
      wanted.delete(removed.toLowerCase());
    } else if (path === null) {
      if (!isRecord(value))
        throw new ScimError(400, "noTarget", "An operation without a path needs an object value.");
      for (const [key, inner] of Object.entries(value)) {
        const lower = key.toLowerCase();
        if (lower === "members") applyMembers(op, inner);
        else if (lower === "displayname") refuseRename(inner);
        else if (lower !== "id" && lower !== "externalid" && lower !== "schemas") {
          throw new ScimError(400, "invalidPath", `Unknown attribute "${key.slice(0, 100)}".`);
        }
      }
    } else if (path.toLowerCase() === "members") {
      applyMembers(op, value);
    } else if (path.toLowerCase() === "displayname") {
      refuseRename(value);
    } else if (path.toLowerCase() !== "externalid") {
      throw new ScimError(400, "invalidPath", `Unknown attribute "${path.slice(0, 100)}".`);
    }
  }

  // Ids that are not members of this company (another company's, or none) are refused, alike.
  const added = [...named].filter((id) => wanted.has(id) && !current.includes(id));
  const known = new Set(
    await findCompanyMemberIds(
      ctx.db,
      companyId,
      added.filter((id) => isUuid(id)),
    ),
  );
  const unknown = added.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ScimError(
      400,
      "invalidValue",
      `No such user in this company: ${unknown.slice(0, 5).join(", ")}.`,
    );
  }
  const removed = current.filter((id) => !wanted.has(id));
  const members = memberContext(ctx);
  for (const memberId of added) {
    const roleIds = await listRoleIdsOfMember(ctx.db, companyId, memberId);
    await changeMemberRoles(members, memberId, { roleIds: [...roleIds, group.id] });
  }
  for (const memberId of removed) {
    const roleIds = await listRoleIdsOfMember(ctx.db, companyId, memberId);
    await changeMemberRoles(members, memberId, { roleIds: roleIds.filter((id) => id !== group.id) });
  }
}
