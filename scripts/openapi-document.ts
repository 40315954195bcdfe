// The server's OpenAPI document as it serves it at /api/openapi.json, built from the route schemas
// without a listening server. `npm run lint:api` writes it and runs Redocly and Spectral on it.
import fs from "node:fs";
import path from "node:path";
import type { DeclaredRoute } from "../server/access/guard.js";
import { buildApp } from "../server/app.js";
import { loadConfig } from "../server/config.js";
import { openDatabase } from "../server/db/connect.js";

/** The document, and the access every API route declared (to check the one against the other). */
export async function renderOpenApiDocument(
  publicUrl: string,
): Promise<{ document: Record<string, unknown>; routes: DeclaredRoute[] }> {
  const database = await openDatabase({});
  const app = await buildApp({
    database,
    config: loadConfig({ NODE_ENV: "test", PUBLIC_URL: publicUrl }),
    webDistDir: "/nonexistent",
  });
  try {
    await app.ready();
    return { document: app.swagger() as Record<string, unknown>, routes: [...app.accessTable] };
  } finally {
    await app.close();
    await database.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const [output, publicUrl = "https://portal.merchant.test"] = process.argv.slice(2);
  if (!output) throw new Error("usage: tsx scripts/openapi-document.ts <output.json> [public URL]");
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, `${JSON.stringify((await renderOpenApiDocument(publicUrl)).document, null, 2)}\n`);
}
