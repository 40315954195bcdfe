// The webhook events (SPEC §6.5): their catalogue, their payload, and the one way a service emits
// one: a line inside the transaction of its change, which queues a delivery per subscribed endpoint.
import { randomUUID } from "node:crypto";
import type { Kysely, RawBuilder, Transaction } from "kysely";
import type { DB } from "../db/schema.js";
import { ALWAYS, executeRaw, insertDeliveriesWhen } from "./queries.js";

export const WEBHOOK_EVENT_TYPES = [
  "member.invited",
  "member.joined",
  "member.roles_changed",
  "member.deactivated",
  "member.reactivated",
  "invitation.revoked",
  "role.created",
  "role.updated",
  "role.deleted",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

export type WebhookEvent = {
  companyId: string;
  type: WebhookEventType;
  /** What happened, in the words of the API (ids, emails, role references); never a secret. */
  data: Record<string, unknown>;
  at: Date;
};

/** The payload as sent and signed: `{id,type,createdAt,companyId,data}`. */
export function webhookPayload(event: WebhookEvent, id: string): string {
  return JSON.stringify({
    id,
    type: event.type,
    createdAt: event.at.toISOString(),
    companyId: event.companyId,
    data: event.data,
  });
}

/**
 * The INSERT queuing one event for every enabled endpoint of the company subscribed to its type,
 * made only when `condition` holds (for a statement whose change may not happen). No endpoint, no row.
 */
export function webhookEventWhen(event: WebhookEvent, condition: RawBuilder<unknown>): RawBuilder<unknown> {
  const id = randomUUID();
  return insertDeliveriesWhen(
    {
      companyId: event.companyId,
      eventId: id,
      type: event.type,
      body: webhookPayload(event, id),
      at: event.at,
    },
    condition,
  );
}

/** Queues the event in the caller's transaction: it is delivered exactly when the change commits. */
export async function emitWebhookEvent(db: Kysely<DB> | Transaction<DB>, event: WebhookEvent): Promise<void> {
  await executeRaw(db, webhookEventWhen(event, ALWAYS));
}

/** A member event's payload: who (member, account, email, roles) and what changed. */
export function memberWebhookEvent(
  companyId: string,
  type: WebhookEventType,
  member: { id: string; account_id: string; email: string; roles: unknown },
  at: Date,
  change: Record<string, unknown> = {},
): WebhookEvent {
  return {
    companyId,
    type,
    at,
    data: {
      memberId: member.id,
      accountId: member.account_id,
      email: member.email,
      roles: member.roles,
      ...change,
    },
  };
}

/** An invitation's or a custom role's event, with the payload data the service chose. */
export function webhookEvent(
  companyId: string,
  type: WebhookEventType,
  at: Date,
  data: Record<string, unknown>,
): WebhookEvent {
  return { companyId, type, at, data };
}
