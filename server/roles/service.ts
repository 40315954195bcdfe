// Custom roles: create, change, delete (SPEC §3 roles, rules 6 and 7). Predefined roles never
// change; names are unique per company regardless of case and of lookalike characters; nobody
// without Admin composes a role with a permission they do not hold; every change is audited with
// its before and after.
import type { Kysely, Transaction } from "kysely";
import { permissionsBeyondOwn, refuseGrantBeyondOwn } from "../access/policy.js";
import type { AuditAction } from "../audit/actions.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import { isUniqueViolation } from "../db/error-kinds.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { ROLE_NAME, readsAlike, requireName } from "../identity/names.js";
import { emitWebhookEvent, webhookEvent } from "../webhooks/events.js";
import {
  countCustomRoles,
  deleteCustomRole,
  insertCustomRole,
  isRoleAssigned,
  listRoleNames,
  listRoles,
  lockCompany,
  type RoleRow,
  replacePermissions,
  updateRoleText,
} from "./queries.js";

export const MAX_CUSTOM_ROLES = 50;

export type RoleActor = {
  accountId: string;
  email: string;
  roleKeys: readonly string[];
  permissions: readonly string[];
};

type Context = { db: Kysely<DB>; companyId: string; actor: RoleActor; meta: RequestMeta; now: Date };

/** Other holders of a role that block its deletion, plugged in by their feature (pending invitations). */
export type RoleUsageCheck = (trx: Transaction<DB>, roleId: string) => Promise<boolean>;

async function audit(
  ctx: Context,
  db: Kysely<DB> | Transaction<DB>,
  action: AuditAction,
  outcome: "success" | "denied",
  target: string | null,
  details: Record<string, unknown>,
) {
  await recordAudit(db, {
    action,
    outcome,
    companyId: ctx.companyId,
    actor: { accountId: ctx.actor.accountId, email: ctx.actor.email },
    target: target ? { type: "role", id: target } : null,
    details,
    meta: ctx.meta,
    at: ctx.now,
  });
}

async function refuseBeyondOwn(
  ctx: Context,
  action: AuditAction,
  roleId: string | null,
  wanted: readonly string[],
) {
  const beyond = permissionsBeyondOwn(ctx.actor, wanted);
  if (beyond.length === 0) return;
  await audit(ctx, ctx.db, action, "denied", roleId, {
    reason: "grant_exceeds_own",
    permissionsBeyondOwn: beyond,
  });
  throw new AppError("grant_exceeds_own", undefined, { permissions: beyond });
}

async function findEditableRole(trx: Transaction<DB>, companyId: string, roleId: string): Promise<RoleRow> {
  const [role] = await listRoles(trx, companyId, roleId);
  if (!role) throw new AppError("not_found");
  if (role.key !== null) throw new AppError("predefined_role");
  return role;
}

/**
 * Refuses a name that reads like another role's of the company ("Аdmin" with a Cyrillic А beside
 * Admin): pickers would show two identical names. Called under the company lock, which every
 * writer of role names takes, so two lookalikes cannot be written at once.
 */
async function refuseLookalikeName(
  trx: Transaction<DB>,
  companyId: string,
  name: string,
  roleId: string | null,
) {
  const lookalike = (await listRoleNames(trx, companyId)).find(
    (role) => role.id !== roleId && readsAlike(role.name, name),
  );
  if (lookalike) {
    throw new AppError(
      "role_name_taken",
      `This name reads like the role "${lookalike.name}"; choose another.`,
      {
        field: "name",
        lookalikeOf: lookalike.name,
      },
    );
  }
}

export async function createRole(
  ctx: Context,
  input: { name: string; description: string; permissions: string[] },
): Promise<RoleRow> {
  const name = requireName(input.name, ROLE_NAME);
  const permissions = [...new Set(input.permissions)].sort();
  await refuseBeyondOwn(ctx, "role.create_refused", null, permissions);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      await lockCompany(trx, ctx.companyId);
      if ((await countCustomRoles(trx, ctx.companyId)) >= MAX_CUSTOM_ROLES)
        throw new AppError("role_limit_reached");
      await refuseLookalikeName(trx, ctx.companyId, name, null);
      const role = await insertCustomRole(
        trx,
        ctx.companyId,
        { name, description: input.description },
        ctx.now,
      );
      await replacePermissions(trx, role.id, permissions);
      await audit(ctx, trx, "role.created", "success", role.id, { name, after: permissions });
      await emitWebhookEvent(
        trx,
        webhookEvent(ctx.companyId, "role.created", ctx.now, {
          roleId: role.id,
          name,
          description: input.description,
          permissions,
        }),
      );
      const [created] = await listRoles(trx, ctx.companyId, role.id);
      return created as RoleRow;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("role_name_taken");
    throw error;
  }
}

export async function updateRole(
  ctx: Context,
  roleId: string,
  input: { name?: string; description?: string; permissions?: string[] },
): Promise<RoleRow> {
  const name = input.name === undefined ? undefined : requireName(input.name, ROLE_NAME);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      await lockCompany(trx, ctx.companyId);
      const before = await findEditableRole(trx, ctx.companyId, roleId);
      if (name !== undefined) await refuseLookalikeName(trx, ctx.companyId, name, roleId);
      const permissions = input.permissions ? [...new Set(input.permissions)].sort() : before.permissions;
      // Editing is granting: both what the role holds now and what it will hold must be the actor's own.
      refuseGrantBeyondOwn(ctx.actor, [...before.permissions, ...permissions]);
      await updateRoleText(trx, ctx.companyId, roleId, { name, description: input.description }, ctx.now);
      if (input.permissions) await replacePermissions(trx, roleId, permissions);
      await audit(ctx, trx, "role.updated", "success", roleId, {
        before: { name: before.name, description: before.description, permissions: before.permissions },
        after: {
          name: name ?? before.name,
          description: input.description ?? before.description,
          permissions,
        },
      });
      const [after] = await listRoles(trx, ctx.companyId, roleId);
      await emitWebhookEvent(
        trx,
        webhookEvent(ctx.companyId, "role.updated", ctx.now, {
          roleId,
          name: after?.name,
          description: after?.description,
          permissions,
          previous: { name: before.name, description: before.description, permissions: before.permissions },
        }),
      );
      return after as RoleRow;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("role_name_taken");
    // not_found too: a role id of another company is a cross-tenant probe (SECURITY 54).
    if (
      error instanceof AppError &&
      ["grant_exceeds_own", "predefined_role", "not_found"].includes(error.code)
    ) {
      await audit(ctx, ctx.db, "role.update_refused", "denied", roleId, {
        reason: error.code,
        ...error.details,
      });
    }
    throw error;
  }
}

export async function deleteRole(
  ctx: Context,
  roleId: string,
  usageChecks: RoleUsageCheck[] = [],
): Promise<void> {
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await lockCompany(trx, ctx.companyId);
      const role = await findEditableRole(trx, ctx.companyId, roleId);
      refuseGrantBeyondOwn(ctx.actor, role.permissions);
      if (await isRoleAssigned(trx, roleId)) throw new AppError("role_in_use");
      for (const check of usageChecks) if (await check(trx, roleId)) throw new AppError("role_in_use");
      await deleteCustomRole(trx, ctx.companyId, roleId);
      await audit(ctx, trx, "role.deleted", "success", roleId, { name: role.name, before: role.permissions });
      await emitWebhookEvent(
        trx,
        webhookEvent(ctx.companyId, "role.deleted", ctx.now, {
          roleId,
          name: role.name,
          permissions: role.permissions,
        }),
      );
    });
  } catch (error) {
    if (
      error instanceof AppError &&
      ["grant_exceeds_own", "role_in_use", "predefined_role", "not_found"].includes(error.code)
    ) {
      await audit(ctx, ctx.db, "role.delete_refused", "denied", roleId, { reason: error.code });
    }
    throw error;
  }
}
