// A company's webhook endpoints (SPEC §6.5, §6.8): create with a secret shown once, change, enable
// and disable, rotate the secret (the old one signs 24 h more), delete; the delivery log and
// manual redelivery. Each change is audited in its transaction; the secret never is.
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { RequestMeta } from "../audit/writer.js";
import { recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { sealSecret } from "../mfa/secret-box.js";
import { type HostResolver, isPublicAddress } from "./address-guard.js";
import { isWebhookEventType } from "./events.js";
import {
  countDeliveries,
  countEndpoints,
  type DeliveryRow,
  deleteEndpoint,
  type EndpointRow,
  findDelivery,
  insertEndpoint,
  insertRedelivery,
  listDeliveries,
  listEndpoints,
  lockEndpoint,
  rotateEndpointSecret,
  updateEndpoint,
} from "./queries.js";
import { newSigningSecret } from "./signature.js";

export const MAX_ENDPOINTS_PER_COMPANY = 20;
/** The delivery log's total is counted up to this many rows, then said to be inexact. */
const DELIVERY_COUNT_CAP = 1000;
export const PREVIOUS_SECRET_VALID_MS = 24 * 3_600_000;

export type WebhookDeps = {
  db: Kysely<DB>;
  secretKey: Buffer;
  /** Production: https only, and a URL must resolve to public addresses only (SSRF). */
  isProduction: boolean;
  resolve: HostResolver;
};

export type WebhookContext = {
  companyId: string;
  actor: { accountId: string; email: string };
  meta: RequestMeta;
  now: Date;
};

export function endpointView(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabledReason: row.disabled_reason as "manual" | "failing" | null,
    previousSecretExpiresAt: row.previous_secret_expires_at
      ? new Date(row.previous_secret_expires_at).toISOString()
      : null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export function deliveryView(row: DeliveryRow) {
  const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status as "pending" | "delivered" | "failed",
    attempts: row.attempts,
    createdAt: new Date(row.created_at).toISOString(),
    nextAttemptAt: row.status === "pending" ? iso(row.next_attempt_at) : null,
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastDurationMs: row.last_duration_ms,
    lastResponseExcerpt: row.last_response_excerpt,
    lastError: row.last_error,
    deliveredAt: iso(row.delivered_at),
    redeliveryOf: row.redelivery_of,
  };
}

/** The URL checked: absolute http(s) (https in production), no credentials, and in production a host that resolves to public addresses only. */
async function checkedUrl(deps: WebhookDeps, raw: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError("webhook_url_invalid", undefined, { field: "url" });
  }
  const allowed = deps.isProduction ? ["https:"] : ["https:", "http:"];
  if (!allowed.includes(url.protocol) || url.username !== "" || url.password !== "" || url.hash !== "") {
    throw new AppError("webhook_url_invalid", undefined, { field: "url" });
  }
  if (deps.isProduction) {
    let addresses: string[];
    try {
      addresses = await deps.resolve(url.hostname);
    } catch {
      throw new AppError("webhook_url_not_allowed", "The URL's host name does not resolve.", {
        field: "url",
      });
    }
    if (addresses.some((address) => !isPublicAddress(address))) {
      throw new AppError("webhook_url_not_allowed", undefined, { field: "url" });
    }
  }
  return url.toString();
}

function checkedEvents(events: readonly string[]): string[] {
  const unique = [...new Set(events)];
  const unknown = unique.filter((event) => !isWebhookEventType(event));
  if (unique.length === 0 || unknown.length > 0) {
    throw new AppError("validation_failed", "Choose one or more event types of the catalogue.", {
      field: "events",
      unknownEvents: unknown,
    });
  }
  return unique.sort();
}

export async function listWebhookEndpoints(db: Kysely<DB>, companyId: string) {
  return (await listEndpoints(db, companyId)).map(endpointView);
}

export async function createWebhookEndpoint(
  deps: WebhookDeps,
  ctx: WebhookContext,
  input: { url: string; events: string[]; description?: string },
) {
  const url = await checkedUrl(deps, input.url);
  const events = checkedEvents(input.events);
  const id = randomUUID();
  const secret = newSigningSecret();
  const endpoint = await deps.db.transaction().execute(async (trx) => {
    if ((await countEndpoints(trx, ctx.companyId)) >= MAX_ENDPOINTS_PER_COMPANY) {
      throw new AppError("webhook_limit_reached", undefined, { limit: MAX_ENDPOINTS_PER_COMPANY });
    }
    await insertEndpoint(trx, {
      id,
      companyId: ctx.companyId,
      url,
      description: input.description ?? "",
      events,
      secretSealed: sealSecret(deps.secretKey, secret, id),
      createdBy: ctx.actor.accountId,
      now: ctx.now,
    });
    await audit(trx, ctx, "webhook.endpoint_created", id, {
      url,
      events,
      description: input.description ?? "",
    });
    return (await lockEndpoint(trx, ctx.companyId, id)) as EndpointRow;
  });
  return { ...endpointView(endpoint), secret };
}

export async function updateWebhookEndpoint(
  deps: WebhookDeps,
  ctx: WebhookContext,
  endpointId: string,
  input: { url?: string; events?: string[]; description?: string; enabled?: boolean },
) {
  const url = input.url === undefined ? undefined : await checkedUrl(deps, input.url);
  const events = input.events === undefined ? undefined : checkedEvents(input.events);
  return deps.db.transaction().execute(async (trx) => {
    const before = await lockEndpoint(trx, ctx.companyId, endpointId);
    if (!before) throw new AppError("not_found");
    const enabledChange =
      input.enabled === undefined || input.enabled === before.enabled
        ? {}
        : { enabled: input.enabled, disabledReason: input.enabled ? null : ("manual" as const) };
    await updateEndpoint(trx, endpointId, {
      ...(url !== undefined ? { url } : {}),
      ...(events !== undefined ? { events } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...enabledChange,
      now: ctx.now,
    });
    const after = (await lockEndpoint(trx, ctx.companyId, endpointId)) as EndpointRow;
    await audit(trx, ctx, "webhook.endpoint_updated", endpointId, {
      url: after.url,
      before: {
        url: before.url,
        events: before.events,
        description: before.description,
        enabled: before.enabled,
      },
      after: { url: after.url, events: after.events, description: after.description, enabled: after.enabled },
    });
    return endpointView(after);
  });
}

export async function deleteWebhookEndpoint(deps: WebhookDeps, ctx: WebhookContext, endpointId: string) {
  await deps.db.transaction().execute(async (trx) => {
    const endpoint = await lockEndpoint(trx, ctx.companyId, endpointId);
    if (!endpoint) throw new AppError("not_found");
    // Its queued deliveries go with it (ON DELETE CASCADE): nobody would receive them.
    await deleteEndpoint(trx, endpointId);
    await audit(trx, ctx, "webhook.endpoint_deleted", endpointId, {
      url: endpoint.url,
      events: endpoint.events,
    });
  });
}

/** A new secret, answered once; the current one keeps signing (a second v1) for 24 hours. */
export async function rotateWebhookSecret(deps: WebhookDeps, ctx: WebhookContext, endpointId: string) {
  const secret = newSigningSecret();
  const previousExpiresAt = new Date(ctx.now.getTime() + PREVIOUS_SECRET_VALID_MS);
  return deps.db.transaction().execute(async (trx) => {
    const endpoint = await lockEndpoint(trx, ctx.companyId, endpointId);
    if (!endpoint) throw new AppError("not_found");
    await rotateEndpointSecret(
      trx,
      endpointId,
      sealSecret(deps.secretKey, secret, endpointId),
      previousExpiresAt,
      ctx.now,
    );
    await audit(trx, ctx, "webhook.secret_rotated", endpointId, {
      url: endpoint.url,
      previousValidUntil: previousExpiresAt.toISOString(),
    });
    return { id: endpointId, secret, previousSecretExpiresAt: previousExpiresAt.toISOString() };
  });
}

export async function listEndpointDeliveries(
  db: Kysely<DB>,
  companyId: string,
  endpointId: string,
  page: { limit: number; cursor?: string },
) {
  const endpoint = (await listEndpoints(db, companyId)).find((row) => row.id === endpointId);
  if (!endpoint) throw new AppError("not_found");
  if (page.cursor !== undefined && !/^\d{1,19}$/.test(page.cursor)) {
    throw new AppError("validation_failed", "The cursor is not valid.", { field: "cursor" });
  }
  const [rows, counted] = await Promise.all([
    listDeliveries(db, endpointId, page.limit + 1, page.cursor),
    countDeliveries(db, endpointId, DELIVERY_COUNT_CAP + 1),
  ]);
  const items = rows.slice(0, page.limit);
  return {
    items: items.map(deliveryView),
    total: Math.min(counted, DELIVERY_COUNT_CAP),
    totalExact: counted <= DELIVERY_COUNT_CAP,
    nextCursor: rows.length > page.limit ? (items[items.length - 1]?.seq ?? null) : null,
  };
}

/** Queues the delivery's event again (same id and body) at the end of its endpoint's queue. */
export async function redeliverWebhook(deps: WebhookDeps, ctx: WebhookContext, deliveryId: string) {
  return deps.db.transaction().execute(async (trx) => {
    const queued = await insertRedelivery(trx, ctx.companyId, deliveryId, ctx.now);
    if (!queued) throw new AppError("not_found");
    const endpoint = (await lockEndpoint(trx, ctx.companyId, queued.endpoint_id)) as EndpointRow;
    await audit(trx, ctx, "webhook.redelivery_requested", queued.endpoint_id, {
      url: endpoint.url,
      deliveryId,
      newDeliveryId: queued.id,
      eventType: queued.event_type,
    });
    return deliveryView((await findDelivery(trx, queued.id)) as DeliveryRow);
  });
}

async function audit(
  db: Kysely<DB>,
  ctx: WebhookContext,
  action:
    | "webhook.endpoint_created"
    | "webhook.endpoint_updated"
    | "webhook.endpoint_deleted"
    | "webhook.secret_rotated"
    | "webhook.redelivery_requested",
  endpointId: string,
  details: Record<string, unknown>,
) {
  await recordAudit(db, {
    action,
    outcome: "success",
    companyId: ctx.companyId,
    actor: ctx.actor,
    target: { type: "webhook_endpoint", id: endpointId },
    details,
    meta: ctx.meta,
    at: ctx.now,
  });
}
