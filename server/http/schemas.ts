// Schemas shared by many routes: the error body, ids, and the reusable response pieces.
import type { Readable } from "node:stream";
import { Kind, type SchemaOptions, type TSchema, type TString, Type } from "@sinclair/typebox";
import { PERMISSION_KEYS } from "../access/permissions.js";
import { ERROR_CODES, type ErrorCode } from "../errors.js";

/**
 * One of `values`, as a JSON Schema `enum` of strings: the OpenAPI document and the web's generated
 * types carry the literal union, and fast-json-stringify writes it as a plain string.
 */
export function StringEnum<const Value extends string>(values: readonly Value[], options?: SchemaOptions) {
  return Type.Unsafe<Value>({ ...options, type: "string", enum: [...values] });
}

/** A permission key of the catalogue (SPEC §1), inline: request bodies are validated without shared schemas. */
export const PermissionKey = StringEnum(PERMISSION_KEYS);

/** The catalogue's keys as the shared `PermissionKey` schema, for responses. */
export const PermissionKeySchema = StringEnum(PERMISSION_KEYS, { $id: "PermissionKey" });
export const PermissionKeyRef = Type.Unsafe<(typeof PERMISSION_KEYS)[number]>(Type.Ref("PermissionKey"));

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: StringEnum(Object.keys(ERROR_CODES) as ErrorCode[]),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: "ErrorBody" },
);

export const Uuid = Type.String({ format: "uuid", maxLength: 36 });

/**
 * A string of `schema`, or null, as a JSON Schema type list, for answers: fast-json-stringify writes
 * it after a type check, where an anyOf of the two ran the format's validator on every value.
 */
export function nullable(schema: TString) {
  const { [Kind]: _kind, ...keywords } = schema;
  return Type.Unsafe<string | null>({ ...keywords, type: ["string", "null"] });
}

/** An instant as the API writes it: ISO 8601, e.g. 2026-12-07T16:38:00.000Z. */
export const DateTime = Type.String({ format: "date-time" });

/** A moment (ISO 8601) or null, in an answer. */
export const NullableDateTime = nullable(DateTime);
/** An id or null, in an answer. */
export const NullableUuid = nullable(Uuid);

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

/** A role as a member or an invitation holds it: present only when the assignment expires (SPEC §6.4). */
export const AssignedRoleRef = Type.Object({
  id: Uuid,
  key: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  expiresAt: Type.Optional(DateTime),
});

/**
 * Optional expiries of some of the requested roles (SPEC §6.4). A role not listed has none; without
 * the field at all, a role change leaves the expiries of the roles it keeps as they were.
 */
export const RoleExpiries = Type.Array(
  Type.Object({ roleId: Uuid, expiresAt: DateTime }, { additionalProperties: false }),
  { maxItems: 10 },
);

/** A streamed CSV download's success answer, for the OpenAPI document (a stream is never serialized). */
export const CsvFile = {
  description: "A CSV file (RFC 4180), streamed",
  content: { "text/csv": { schema: Type.Unsafe<Readable>({ type: "string" }) } },
};
