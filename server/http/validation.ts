// Request validation: bodies are checked strictly (no coercion, no unknown fields, no defaults
// sneaking in), while path and query strings coerce scalars but never turn a repeated parameter into one.
import { Ajv } from "ajv";
import formatsPlugin from "ajv-formats";
import type { FastifySchemaCompiler, FastifyServerOptions } from "fastify";

function makeAjv(coerce: boolean) {
  const ajv = new Ajv({
    coerceTypes: coerce,
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
  });
  (formatsPlugin as unknown as { default: (ajv: Ajv) => void }).default(ajv);
  // A date-time must also be one the server can use: ajv-formats accepts a leap second
  // ("…T23:59:60Z"), which JavaScript cannot read (Invalid Date) and which then failed as a 500.
  const dateTime = ajv.formats["date-time"] as { validate: (value: string) => boolean };
  ajv.addFormat("date-time", {
    type: "string",
    validate: (value: string) => dateTime.validate(value) && !Number.isNaN(Date.parse(value)),
  });
  return ajv;
}

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv(true);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? strictAjv : coercingAjv;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;

/**
 * For Fastify's schemaController: every plugin context gets these validators, including plugins
 * that register named schemas (there Fastify would otherwise build its default, coercing one).
 */
export const buildStrictValidator = (() => validatorCompiler) as unknown as NonNullable<
  CompilersFactory["buildValidator"]
>;
