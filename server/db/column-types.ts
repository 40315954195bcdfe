// What the database constrains beyond its column types (CHECK constraints, the shape of a JSON
// column), as TypeScript types: scripts/generate-db-types.ts gives these columns these types in
// the generated schema.ts, where the database itself knows only text and jsonb.
export type MemberStatus = "active" | "deactivated";

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

/** A role as an invitation offered it when it left 'pending'. */
export type InvitationRoleSnapshot = { id: string; key: string | null; name: string };

export type VerificationPurpose = "step_up" | "alternate_email";
