// The scope as the API carries it, in member and invitation bodies and answers (SPEC §6.8).
import { Type } from "@sinclair/typebox";
import { Uuid } from "../http/schemas.js";

export const MAX_SCOPE_ACCOUNTS = 100;

export const ScopeBody = Type.Union(
  [
    Type.Object({ kind: Type.Literal("all") }, { additionalProperties: false }),
    Type.Object(
      {
        kind: Type.Literal("restricted"),
        merchantAccountIds: Type.Array(Uuid, {
          minItems: 1,
          maxItems: MAX_SCOPE_ACCOUNTS,
          uniqueItems: true,
        }),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      'The merchant accounts the member reaches: {"kind":"all"} (every account, also future ones) or {"kind":"restricted","merchantAccountIds":[…]}.',
  },
);
