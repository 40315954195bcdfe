// The web app's files go out compressed: the build writes .br and .gz beside each text file
// (web/precompress.ts) and the server sends the one the browser accepts, with Vary so that a cache
// between them keeps each encoding apart; a browser that accepts neither gets the file as built.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/app.js";
import { loadConfig } from "../server/config.js";
import { webCacheControl } from "../server/http/web-plugin.js";
import { MIN_COMPRESSED_BYTES, precompressFiles } from "../web/precompress.js";
import { openTestDatabase } from "./support/databases.js";

const SCRIPT = `export const rows = [${Array.from({ length: 400 }, (_, i) => `"member-${i}@example.com"`).join(",")}];\n`;
const PAGE = `<!doctype html><title>Merchant Portal</title>${"<!-- the portal -->".repeat(80)}`;

describe("web app files sent precompressed", () => {
  let webDistDir: string;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let database: Awaited<ReturnType<typeof openTestDatabase>>;

  beforeAll(async () => {
    webDistDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-web-"));
    fs.mkdirSync(path.join(webDistDir, "assets"));
    fs.writeFileSync(path.join(webDistDir, "index.html"), PAGE);
    fs.writeFileSync(path.join(webDistDir, "assets", "app.js"), SCRIPT);
    fs.writeFileSync(path.join(webDistDir, "assets", "tiny.js"), "export {};\n");
    fs.writeFileSync(path.join(webDistDir, "assets", "logo.png"), Buffer.alloc(4096, 7));
    const compressed = precompressFiles(webDistDir, [
      "index.html",
      "assets/app.js",
      "assets/tiny.js",
      "assets/logo.png",
    ]);
    expect(compressed).toEqual(["index.html", "assets/app.js"]);
    database = await openTestDatabase("pglite");
    app = await buildApp({
      database,
      config: loadConfig({ NODE_ENV: "test", PUBLIC_URL: "http://portal.test" }),
      webDistDir,
    });
  });

  afterAll(async () => {
    await app?.close();
    await database?.dispose();
    fs.rmSync(webDistDir, { recursive: true, force: true });
  });

  it("writes brotli and gzip copies that open to the file, and none for small or binary files", () => {
    const original = fs.readFileSync(path.join(webDistDir, "assets", "app.js"));
    const brotli = fs.readFileSync(path.join(webDistDir, "assets", "app.js.br"));
    const gzip = fs.readFileSync(path.join(webDistDir, "assets", "app.js.gz"));
    expect(brotliDecompressSync(brotli).equals(original)).toBe(true);
    expect(gunzipSync(gzip).equals(original)).toBe(true);
    expect(brotli.length).toBeLessThan(original.length / 4);
    expect(fs.readFileSync(path.join(webDistDir, "assets", "tiny.js")).length).toBeLessThan(
      MIN_COMPRESSED_BYTES,
    );
    expect(fs.existsSync(path.join(webDistDir, "assets", "tiny.js.br"))).toBe(false);
    expect(fs.existsSync(path.join(webDistDir, "assets", "logo.png.gz"))).toBe(false);
  });

  it("sends brotli to a browser that accepts it, gzip to one that accepts only gzip", async () => {
    const original = fs.readFileSync(path.join(webDistDir, "assets", "app.js"));
    const br = await app.inject({
      method: "GET",
      url: "/assets/app.js",
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    expect(br.statusCode).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["content-type"]).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(brotliDecompressSync(br.rawPayload).equals(original)).toBe(true);

    const gz = await app.inject({
      method: "GET",
      url: "/assets/app.js",
      headers: { "accept-encoding": "gzip" },
    });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(gz.rawPayload).equals(original)).toBe(true);
  });

  it("sends the file as built to a browser that accepts no encoding, and small files as they are", async () => {
    const plain = await app.inject({ method: "GET", url: "/assets/app.js" });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const identity = await app.inject({
      method: "GET",
      url: "/assets/app.js",
      headers: { "accept-encoding": "identity" },
    });
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(identity.body).toBe(SCRIPT);
    const tiny = await app.inject({
      method: "GET",
      url: "/assets/tiny.js",
      headers: { "accept-encoding": "br" },
    });
    expect(tiny.statusCode).toBe(200);
    expect(tiny.headers["content-encoding"]).toBeUndefined();
    expect(tiny.body).toBe("export {};\n");
  });

  it("sends the app's page for its routes compressed and never cached, so a deploy shows at once", async () => {
    const page = await app.inject({
      method: "GET",
      url: "/companies/x/members",
      headers: { "accept-encoding": "br" },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-encoding"]).toBe("br");
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.headers["cache-control"]).toBe("no-store");
    expect(brotliDecompressSync(page.rawPayload).toString()).toBe(PAGE);
    for (const url of ["/login", "/index.html"]) {
      const plain = await app.inject({ method: "GET", url });
      expect(plain.statusCode).toBe(200);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.headers["cache-control"]).toBe("no-store");
      expect(plain.body).toBe(PAGE);
    }
  });

  it("keeps the build's files by their content-named paths for a year and others for an hour", () => {
    const dist = "/srv/web";
    expect(webCacheControl(dist, "/srv/web/index.html")).toBe("no-store");
    expect(webCacheControl(dist, "/srv/web/index.html.br")).toBe("no-store");
    expect(webCacheControl(dist, "/srv/web/assets/index-DGJD6kMD.js.gz")).toBe(
      "public, max-age=31536000, immutable",
    );
    expect(webCacheControl(dist, "/srv/web/favicon.svg")).toBe("public, max-age=3600");
    expect(webCacheControl(dist, "/srv/web/docs/index.html")).toBe("public, max-age=3600");
  });

  it("keeps the API's 404 for an unknown API path, whatever the browser accepts", async () => {
    const missing = await app.inject({
      method: "GET",
      url: "/api/nothing",
      headers: { "accept-encoding": "br" },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers["content-encoding"]).toBeUndefined();
    expect(missing.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
