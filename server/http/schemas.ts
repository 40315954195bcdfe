// Schemas shared by many routes: the error body, ids, and the reusable response pieces.
import type { Readable } from "node:stream";
import { type TSchema, Type } from "@sinclair/typebox";

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: "ErrorBody" },
);

export const Uuid = Type.String({ format: "uuid", maxLength: 36 });

export const CompanyParams = Type.Object({ cid: Uuid }, { additionalProperties: false });

/** Standard error responses a route can answer, referenced by status. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const responses: Record<number, TSchema> = {};
  for (const status of statuses) responses[status] = Type.Ref("ErrorBody");
  return responses;
}

export const RoleRef = Type.Object({
  id: Uuid,
  key: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
});

/** A streamed CSV download's success answer, for the OpenAPI document (a stream is never serialized). */
export const CsvFile = {
  description: "A CSV file (RFC 4180), streamed",
  content: { "text/csv": { schema: Type.Unsafe<Readable>({ type: "string" }) } },
};
