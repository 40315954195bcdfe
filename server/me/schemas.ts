// The body of GET /api/me, which logging in and accepting an invitation answer with too.
import { Type } from "@sinclair/typebox";
import { PermissionKeyRef, RoleRef, Uuid } from "../http/schemas.js";

export const LanguageSchema = Type.Union([Type.Literal("en"), Type.Literal("zh-CN")]);

/** The optional preference fields of the account in GET /api/me: present only once chosen. */
export function preferencesOf(language: "en" | "zh-CN" | null, timeZone: string | null) {
  return { ...(language ? { language } : {}), ...(timeZone ? { timeZone } : {}) };
}

export const MeBody = Type.Object(
  {
    account: Type.Object({
      id: Uuid,
      email: Type.String(),
      name: Type.String(),
      alternateEmail: Type.Union([Type.String(), Type.Null()]),
      /** The account's chosen language (SPEC §6.6); absent until chosen. */
      language: Type.Optional(LanguageSchema),
      /** The account's chosen IANA time zone; absent until chosen. */
      timeZone: Type.Optional(Type.String()),
    }),
    memberships: Type.Array(
      Type.Object({
        companyId: Uuid,
        companyName: Type.String(),
        memberId: Uuid,
        status: Type.Union([Type.Literal("active"), Type.Literal("deactivated")]),
        roles: Type.Array(RoleRef),
        permissions: Type.Array(PermissionKeyRef),
        /** Present when the company requires a second factor and the account has none (SPEC §6.2). */
        mfaEnrolmentRequired: Type.Optional(Type.Literal(true)),
      }),
    ),
  },
  { $id: "Me" },
);
