// The body of GET /api/me, which logging in and accepting an invitation answer with too.
import { Type } from "@sinclair/typebox";
import { PermissionKeyRef, RoleRef, Uuid } from "../http/schemas.js";

export const MeBody = Type.Object(
  {
    account: Type.Object({
      id: Uuid,
      email: Type.String(),
      name: Type.String(),
      alternateEmail: Type.Union([Type.String(), Type.Null()]),
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
