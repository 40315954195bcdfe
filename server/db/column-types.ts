// The shapes of JSON columns, which the database does not state: scripts/generate-db-types.ts gives
// these columns these types in the generated schema.ts.

/** A role as an invitation offered it when it left 'pending'. */
export type InvitationRoleSnapshot = { id: string; key: string | null; name: string; expiresAt?: string };
