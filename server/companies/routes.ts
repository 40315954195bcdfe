// HTTP routes for companies: the caller's companies, company info, merchant account info.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { callerOf } from "../access/guard.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import { CompanyParams, errorResponses, PermissionKeyRef, RoleRef, Uuid } from "../http/schemas.js";
import { listMemberships } from "../me/queries.js";
import { findCompany, findMerchantAccount } from "./queries.js";

const CompanyInfo = Type.Object({
  id: Uuid,
  name: Type.String(),
  legalName: Type.String(),
  registrationNumber: Type.String(),
  country: Type.String(),
  address: Type.String(),
});

const MerchantAccount = Type.Object({
  merchantId: Type.String(),
  status: Type.String(),
  settlementCurrency: Type.String(),
  contactEmail: Type.String(),
});

const CompanyItem = Type.Object({
  id: Uuid,
  name: Type.String(),
  memberId: Uuid,
  roles: Type.Array(RoleRef),
  permissions: Type.Array(PermissionKeyRef),
});

export const companyRoutes: FastifyPluginAsyncTypebox<{ database: Database; clock: Clock }> = async (
  app,
  { database, clock },
) => {
  const { db } = database;

  app.get(
    "/api/companies",
    {
      config: { access: { kind: "session" } },
      schema: {
        summary: "The companies the caller is an active member of, with roles and permissions",
        tags: ["companies"],
        response: { 200: Type.Object({ items: Type.Array(CompanyItem) }), ...errorResponses(401) },
      },
    },
    async (request) => {
      const memberships = await listMemberships(db, callerOf(request).accountId, clock.now());
      return {
        items: memberships
          .filter((m) => m.status === "active")
          .map((m) => ({
            id: m.companyId,
            name: m.companyName,
            memberId: m.memberId,
            roles: m.roles,
            permissions: m.permissions,
          })),
      };
    },
  );

  app.get(
    "/api/companies/:cid",
    {
      config: { access: { kind: "permission", permission: "company.view" } },
      schema: {
        summary: "Company info",
        tags: ["companies"],
        params: CompanyParams,
        response: { 200: CompanyInfo, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const company = await findCompany(db, request.params.cid);
      if (!company) throw new AppError("not_found");
      return {
        id: company.id,
        name: company.name,
        legalName: company.legal_name,
        registrationNumber: company.registration_number,
        country: company.country,
        address: company.address,
      };
    },
  );

  app.get(
    "/api/companies/:cid/account",
    {
      config: { access: { kind: "permission", permission: "account.view" } },
      schema: {
        summary: "Merchant account info",
        tags: ["companies"],
        params: CompanyParams,
        response: { 200: MerchantAccount, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const account = await findMerchantAccount(db, request.params.cid);
      if (!account) throw new AppError("not_found");
      return {
        merchantId: account.merchant_id,
        status: account.merchant_status,
        settlementCurrency: account.settlement_currency,
        contactEmail: account.contact_email,
      };
    },
  );
};
