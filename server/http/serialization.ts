// Response serializers (fast-json-stringify, as Fastify's default) compiled once per distinct
// schema instead of once per route and status: most routes answer their errors with the same
// ErrorBody, so most of those compilations would repeat one another and slow every start.
import SerializerSelector from "@fastify/fast-json-stringify-compiler";
import type { FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;
type BuildSerializer = NonNullable<CompilersFactory["buildSerializer"]>;

const selectSerializer = SerializerSelector();

/**
 * For Fastify's schemaController: Fastify calls it once per set of shared schemas (a plugin
 * context that adds schemas gets its own), so a memo never mixes serializers of different sets.
 */
export const buildSharedSerializer: BuildSerializer = (externalSchemas, options) => {
  const compile = selectSerializer(externalSchemas, options);
  const compiled = new Map<string, ReturnType<typeof compile>>();
  return (route) => {
    // The serializer depends only on the schema (method, url and status are not used).
    const key = JSON.stringify(route.schema);
    let serializer = compiled.get(key);
    if (serializer === undefined) {
      serializer = compile(route);
      compiled.set(key, serializer);
    }
    return serializer;
  };
};
