// HTTP routes of access reviews (SPEC §6.4, §6.8), all under security.manage; completing one
// applies role changes and deactivations, so it needs a fresh step-up like those changes (rule 7).

import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyRequest } from "fastify";
import { callerOf } from "../access/guard.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import {
  AssignedRoleRef,
  CompanyParams,
  CsvFile,
  DateTime,
  errorResponses,
  NullableDateTime,
  Uuid,
} from "../http/schemas.js";
import { ScopeBody } from "../merchant-accounts/schemas.js";
import {
  completeReview,
  decide,
  getReview,
  listCompanyReviews,
  type ReviewContext,
  reviewReport,
  startReview,
} from "./service.js";

const Person = Type.Union([
  Type.Object({ accountId: Uuid, name: Type.String(), email: Type.String() }),
  Type.Null(),
]);
const DecisionKind = Type.Union([Type.Literal("keep"), Type.Literal("change"), Type.Literal("deactivate")]);

const ReviewItem = Type.Object(
  {
    memberId: Uuid,
    email: Type.String(),
    name: Type.String(),
    status: Type.Union([Type.Literal("active"), Type.Literal("deactivated")]),
    roles: Type.Array(AssignedRoleRef),
    lastActiveAt: NullableDateTime,
    hasSecondFactor: Type.Boolean(),
    /** The merchant accounts the member reached when the review started. */
    scope: ScopeBody,
    decision: Type.Union([DecisionKind, Type.Null()]),
    /** With a `change` decision: the roles it gives. */
    roleIds: Type.Union([Type.Array(Uuid), Type.Null()]),
    decidedAt: NullableDateTime,
    decidedBy: Type.Union([Type.String(), Type.Null()]),
    /** After completion: kept, applied, unchanged, or the code that refused the decision. */
    outcome: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: "AccessReviewItem" },
);

const ReviewFields = {
  id: Uuid,
  status: Type.Union([Type.Literal("open"), Type.Literal("completed")]),
  startedAt: DateTime,
  startedBy: Person,
  completedAt: NullableDateTime,
  completedBy: Person,
};

const Review = Type.Object(
  { ...ReviewFields, items: Type.Array(Type.Ref("AccessReviewItem")) },
  { $id: "AccessReview" },
);
const ReviewSummary = Type.Object({ ...ReviewFields, members: Type.Integer(), decided: Type.Integer() });

const ReviewParams = Type.Object({ cid: Uuid, reviewId: Uuid }, { additionalProperties: false });
const DecisionParams = Type.Object(
  { cid: Uuid, reviewId: Uuid, memberId: Uuid },
  { additionalProperties: false },
);

export const accessReviewRoutes: FastifyPluginAsyncTypebox<{ database: Database; clock: Clock }> = async (
  app,
  { database, clock },
) => {
  const { db } = database;
  app.addSchema(ReviewItem);
  app.addSchema(Review);
  const access = { kind: "permission", permission: "security.manage" } as const;

  const context = (request: FastifyRequest, companyId: string): ReviewContext => {
    const caller = callerOf(request);
    if (!caller.membership) throw new AppError("not_found");
    return {
      db,
      companyId,
      actor: {
        accountId: caller.accountId,
        email: caller.email,
        name: caller.name,
        memberId: caller.membership.memberId,
      },
      meta: request.meta,
      now: clock.now(),
    };
  };

  app.get(
    "/api/companies/:cid/access-reviews",
    {
      config: { access },
      schema: {
        summary: "The company's access reviews, newest first",
        tags: ["security"],
        params: CompanyParams,
        response: {
          200: Type.Object({ items: Type.Array(ReviewSummary) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => listCompanyReviews(db, request.params.cid),
  );

  app.post(
    "/api/companies/:cid/access-reviews",
    {
      config: { access },
      schema: {
        summary:
          "Start an access review: a snapshot of every member with roles, last activity and second factor",
        tags: ["security"],
        params: CompanyParams,
        response: { 201: Type.Ref("AccessReview"), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await startReview(context(request, request.params.cid))),
  );

  app.get(
    "/api/companies/:cid/access-reviews/:reviewId",
    {
      config: { access },
      schema: {
        summary: "One access review with every member and decision",
        tags: ["security"],
        params: ReviewParams,
        response: { 200: Type.Ref("AccessReview"), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getReview(db, request.params.cid, request.params.reviewId),
  );

  app.put(
    "/api/companies/:cid/access-reviews/:reviewId/decisions/:memberId",
    {
      config: { access },
      schema: {
        summary: "Decide keep, change (to roleIds) or deactivate for one member of an open review",
        tags: ["security"],
        params: DecisionParams,
        body: Type.Object(
          {
            decision: DecisionKind,
            roleIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 10, uniqueItems: true })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref("AccessReviewItem"), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      decide(
        context(request, request.params.cid),
        request.params.reviewId,
        request.params.memberId,
        request.body,
      ),
  );

  app.post(
    "/api/companies/:cid/access-reviews/:reviewId/complete",
    {
      config: { access, stepUp: true },
      schema: {
        summary: "Complete an access review: apply every decision through the member rules",
        tags: ["security"],
        params: ReviewParams,
        response: { 200: Type.Ref("AccessReview"), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => completeReview(context(request, request.params.cid), request.params.reviewId),
  );

  app.get(
    "/api/companies/:cid/access-reviews/:reviewId/report",
    {
      config: { access },
      schema: {
        summary: "The review's attestation as CSV: every member, decision and outcome",
        tags: ["security"],
        params: ReviewParams,
        response: { 200: CsvFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const csv = await reviewReport(context(request, request.params.cid), request.params.reviewId);
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="access-review-${request.params.reviewId}.csv"`)
        .send(csv);
    },
  );
};
