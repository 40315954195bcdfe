// The OpenAPI document (served at /api/openapi.json) and its browsable page at /api/docs.
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { documentOperation, TAGS } from "./openapi.js";

export type DocsOptions = { publicUrl: string; sessionCookieName: string };

/** Registered before the routes, so the document describes every one of them. */
export const docsPlugin = fp(
  async (app: FastifyInstance, { publicUrl, sessionCookieName }: DocsOptions) => {
    await app.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Multi-operator portal API",
          version: "0.1.0",
          description:
            'Member and role management of a payment merchant portal: members, roles, invitations, step-up verification, the audit log and the portal\'s sections. JSON under `/api`; errors are `{"error":{"code","message"}}`.',
          contact: { name: "Portal operators", url: publicUrl },
          license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
        },
        servers: [{ url: publicUrl }],
        tags: TAGS,
        components: {
          securitySchemes: {
            session: {
              type: "apiKey",
              in: "cookie",
              name: sessionCookieName,
              description: "The opaque session token set by logIn (HttpOnly, SameSite=Lax).",
            },
            scimBearer: {
              type: "http",
              scheme: "bearer",
              description:
                "A company's SCIM token (Company settings → Security → SCIM tokens); it names the company. Only the /scim/v2/ operations take it.",
            },
          },
        },
      },
      transform: documentOperation,
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: "/api/docs" });
  },
  { name: "docs" },
);

/** The document itself: an API route like the others, so registered after the guard. */
export async function openApiDocumentRoute(app: FastifyInstance): Promise<void> {
  app.get("/api/openapi.json", { config: { access: { kind: "public" } }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
