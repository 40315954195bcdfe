// SPEC §3: the OpenAPI document is complete for client generators and gateways. Redocly and
// Spectral lint it in CI (`npm run lint:api`); this checks what they cannot know: that every route
// is in the operation catalogue, under a stable and unique id, with the security its access declares.
import { describe, expect, it } from "vitest";
import { renderOpenApiDocument } from "../scripts/openapi-document.js";
import { OPERATIONS, TAGS } from "../server/http/openapi.js";

type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  responses?: Record<string, unknown>;
};

const { document: served, routes } = await renderOpenApiDocument("https://portal.merchant.test");
const document = served as {
  servers: { url: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    key: `${method.toUpperCase()} ${path}`,
    operation,
  })),
);

describe("SPEC §3: the OpenAPI document", () => {
  it("names its server from PUBLIC_URL and declares every tag it uses", () => {
    expect(document.servers).toEqual([{ url: "https://portal.merchant.test" }]);
    const declared = new Set(document.tags.map((tag) => tag.name));
    for (const { key, operation } of operations) {
      expect(operation.tags?.length, key).toBeGreaterThan(0);
      for (const tag of operation.tags ?? []) expect(declared.has(tag), `${key} tag ${tag}`).toBe(true);
    }
  });

  it("gives every operation a unique camelCase operationId, a summary and a description", () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    for (const { key, operation } of operations) {
      expect(operation.operationId, key).toMatch(/^[a-z][a-zA-Z]+$/);
      expect(operation.summary, key).toBeTruthy();
      expect(operation.description, key).toBeTruthy();
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("states each operation's security as its route declares access: none when public, the SCIM token on /scim/v2, else the session", () => {
    const documented = new Map(
      operations.map(({ key, operation }) => [key.replace(/\{(\w+)\}/g, ":$1"), operation]),
    );
    for (const route of routes) {
      const operation = documented.get(`${route.method} ${route.url}`);
      if (!operation) continue; // hidden from the document: /api/openapi.json itself
      const expected =
        route.access.kind === "public"
          ? []
          : route.access.kind === "scim_token"
            ? [{ scimBearer: [] }]
            : [{ session: [] }];
      expect(operation.security, `${route.method} ${route.url}`).toEqual(expected);
    }
    expect(routes.filter((route) => documented.has(`${route.method} ${route.url}`)).length).toBe(
      operations.length,
    );
  });

  // A browser step of a login (SAML, OIDC) answers with a redirect, as Spectral's rule allows.
  it("has a success (or redirect) answer with a schema for every operation", () => {
    for (const { key, operation } of operations) {
      const success = Object.keys(operation.responses ?? {}).filter((status) => /^[23]/.test(status));
      expect(success.length, key).toBeGreaterThan(0);
    }
  });

  it("keeps no catalogue entry for a route that no longer exists", () => {
    const served = new Set(operations.map(({ key }) => key.replace(/\{(\w+)\}/g, ":$1")));
    for (const key of Object.keys(OPERATIONS)) expect(served.has(key), key).toBe(true);
    expect(TAGS.map((tag) => tag.name).sort()).toEqual(document.tags.map((tag) => tag.name).sort());
  });
});
