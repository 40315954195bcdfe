// The web client's types are generated from the server's OpenAPI document; a changed route
// schema without `npm run gen:api` fails here, before it can fail a user.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { renderApiTypes, SCHEMA_FILE } from "../scripts/generate-api-types.js";

describe("web API types", () => {
  it("are up to date with the server's route schemas (run `npm run gen:api`)", async () => {
    expect(fs.readFileSync(SCHEMA_FILE, "utf8")).toBe(await renderApiTypes());
  });
});
