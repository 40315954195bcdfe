// HTTP routes of webhooks (SPEC §6.8), all under webhooks.manage: list and create endpoints (the
// secret answered once), change, delete and rotate them (each after a step-up, rule 7), the
// delivery log and manual redelivery.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyRequest } from "fastify";
import { callerOf } from "../access/guard.js";
import type { Clock } from "../clock.js";
import { DEFAULT_LIMIT, PageQuery } from "../http/pagination.js";
import {
  CompanyParams,
  DateTime,
  errorResponses,
  NullableDateTime,
  NullableUuid,
  StringEnum,
  Uuid,
} from "../http/schemas.js";
import { WEBHOOK_EVENT_TYPES } from "./events.js";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listEndpointDeliveries,
  listWebhookEndpoints,
  redeliverWebhook,
  rotateWebhookSecret,
  updateWebhookEndpoint,
  type WebhookContext,
  type WebhookDeps,
} from "./service.js";

const Events = Type.Array(StringEnum(WEBHOOK_EVENT_TYPES), {
  minItems: 1,
  maxItems: WEBHOOK_EVENT_TYPES.length,
});
const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: "https (http too outside production).",
});
const Description = Type.String({ maxLength: 500 });

const Endpoint = Type.Object(
  {
    id: Uuid,
    url: Type.String(),
    description: Type.String(),
    events: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    /** Why it is disabled: by a person, or by the portal after 3 days of failed deliveries. */
    disabledReason: Type.Union([Type.Literal("manual"), Type.Literal("failing"), Type.Null()]),
    /** Until when the previous secret also signs, after a rotation. */
    previousSecretExpiresAt: NullableDateTime,
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "WebhookEndpoint" },
);

const Delivery = Type.Object(
  {
    id: Uuid,
    endpointId: Uuid,
    eventId: Uuid,
    eventType: Type.String(),
    status: Type.Union([Type.Literal("pending"), Type.Literal("delivered"), Type.Literal("failed")]),
    attempts: Type.Integer(),
    createdAt: DateTime,
    nextAttemptAt: NullableDateTime,
    lastAttemptAt: NullableDateTime,
    lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
    lastDurationMs: Type.Union([Type.Integer(), Type.Null()]),
    /** The first bytes (at most 1 KB) of the receiver's last answer. */
    lastResponseExcerpt: Type.Union([Type.String(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    deliveredAt: NullableDateTime,
    redeliveryOf: NullableUuid,
  },
  { $id: "WebhookDelivery" },
);

const EndpointParams = Type.Object({ cid: Uuid, webhookId: Uuid }, { additionalProperties: false });
const DeliveryParams = Type.Object({ cid: Uuid, deliveryId: Uuid }, { additionalProperties: false });
const ACCESS = { kind: "permission", permission: "webhooks.manage" } as const;

export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhookDeps; clock: Clock }> = async (
  app,
  { webhooks, clock },
) => {
  app.addSchema(Endpoint);
  app.addSchema(Delivery);

  const context = (request: FastifyRequest, companyId: string): WebhookContext => {
    const caller = callerOf(request);
    return {
      companyId,
      actor: { accountId: caller.accountId, email: caller.email },
      meta: request.meta,
      now: clock.now(),
    };
  };

  app.get(
    "/api/companies/:cid/webhooks",
    {
      config: { access: ACCESS },
      schema: {
        summary: "The company's webhook endpoints",
        tags: ["webhooks"],
        params: CompanyParams,
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref("WebhookEndpoint")) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({ items: await listWebhookEndpoints(webhooks.db, request.params.cid) }),
  );

  app.post(
    "/api/companies/:cid/webhooks",
    {
      config: { access: ACCESS, stepUp: true },
      schema: {
        summary: "Add a webhook endpoint; its signing secret is answered this once",
        tags: ["webhooks"],
        params: CompanyParams,
        body: Type.Object(
          { url: Url, events: Events, description: Type.Optional(Description) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            ...Endpoint.properties,
            secret: Type.String({ description: "The signing secret, answered this once." }),
          }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const created = await createWebhookEndpoint(
        webhooks,
        context(request, request.params.cid),
        request.body,
      );
      return reply.status(201).send(created);
    },
  );

  app.patch(
    "/api/companies/:cid/webhooks/:webhookId",
    {
      config: { access: ACCESS, stepUp: true },
      schema: {
        summary: "Change a webhook endpoint: URL, events, description, enabled",
        tags: ["webhooks"],
        params: EndpointParams,
        body: Type.Object(
          {
            url: Type.Optional(Url),
            events: Type.Optional(Events),
            description: Type.Optional(Description),
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.Ref("WebhookEndpoint"), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      updateWebhookEndpoint(
        webhooks,
        context(request, request.params.cid),
        request.params.webhookId,
        request.body,
      ),
  );

  app.delete(
    "/api/companies/:cid/webhooks/:webhookId",
    {
      config: { access: ACCESS, stepUp: true },
      schema: {
        summary: "Delete a webhook endpoint and its queued deliveries",
        tags: ["webhooks"],
        params: EndpointParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteWebhookEndpoint(webhooks, context(request, request.params.cid), request.params.webhookId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/api/companies/:cid/webhooks/:webhookId/rotate-secret",
    {
      config: { access: ACCESS, stepUp: true },
      schema: {
        summary: "Rotate an endpoint's signing secret; the old one keeps signing for 24 hours",
        tags: ["webhooks"],
        params: EndpointParams,
        response: {
          200: Type.Object({ id: Uuid, secret: Type.String(), previousSecretExpiresAt: DateTime }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      rotateWebhookSecret(webhooks, context(request, request.params.cid), request.params.webhookId),
  );

  app.get(
    "/api/companies/:cid/webhooks/:webhookId/deliveries",
    {
      config: { access: ACCESS },
      schema: {
        summary: "An endpoint's delivery log, newest first",
        tags: ["webhooks"],
        params: EndpointParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref("WebhookDelivery")),
            total: Type.Integer(),
            totalExact: Type.Boolean(),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      listEndpointDeliveries(webhooks.db, request.params.cid, request.params.webhookId, {
        limit: request.query.limit ?? DEFAULT_LIMIT,
        ...(request.query.cursor !== undefined ? { cursor: request.query.cursor } : {}),
      }),
  );

  app.post(
    "/api/companies/:cid/webhooks/deliveries/:deliveryId/redeliver",
    {
      config: { access: ACCESS },
      schema: {
        summary: "Send a delivery's event again (same id and body), after the endpoint's queue",
        tags: ["webhooks"],
        params: DeliveryParams,
        response: { 202: Type.Ref("WebhookDelivery"), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const queued = await redeliverWebhook(
        webhooks,
        context(request, request.params.cid),
        request.params.deliveryId,
      );
      return reply.status(202).send(queued);
    },
  );
};
