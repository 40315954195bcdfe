// The production build goes out compressed: every JavaScript and CSS file the build manifest names
// has brotli and gzip copies beside it that open to the file, and Chromium loading the login page
// gets each script in brotli (all but the few under 1 KB), the content-named ones cached for a year and the page never.
import fs from "node:fs";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readManifest, WEB_DIST } from "../bench/web-size.js";
import { MIN_COMPRESSED_BYTES } from "../web/precompress.js";
import { usePortalAndBrowser } from "./support/portal.js";

describe("the production build sent compressed", () => {
  const held = usePortalAndBrowser();

  it("has brotli and gzip copies of every script and style the manifest names", () => {
    const files = new Set<string>();
    for (const chunk of Object.values(readManifest())) {
      files.add(chunk.file);
      for (const css of chunk.css ?? []) files.add(css);
    }
    expect(files.size).toBeGreaterThan(10);
    for (const file of files) {
      const original = fs.readFileSync(path.join(WEB_DIST, file));
      if (original.length < MIN_COMPRESSED_BYTES) continue;
      expect(
        brotliDecompressSync(fs.readFileSync(path.join(WEB_DIST, `${file}.br`))).equals(original),
        file,
      ).toBe(true);
      expect(gunzipSync(fs.readFileSync(path.join(WEB_DIST, `${file}.gz`))).equals(original), file).toBe(
        true,
      );
    }
  });

  it("gives Chromium the login page's scripts in brotli, cached by their content names", async () => {
    const context = await held.browser.newContext();
    const page = await context.newPage();
    const scripts: { url: string; encoding: string | undefined; cache: string | undefined }[] = [];
    const documents: { cache: string | undefined; encoding: string | undefined }[] = [];
    page.on("response", (response) => {
      const headers = response.headers();
      if (response.request().resourceType() === "script") {
        scripts.push({
          url: response.url(),
          encoding: headers["content-encoding"],
          cache: headers["cache-control"],
        });
      }
      if (response.request().resourceType() === "document") {
        documents.push({ encoding: headers["content-encoding"], cache: headers["cache-control"] });
      }
    });
    await page.goto(`${held.portal.url}/login`);
    await page.getByRole("button", { name: "Log in" }).waitFor();
    expect(scripts.length).toBeGreaterThan(1);
    for (const script of scripts) {
      const built = fs.statSync(path.join(WEB_DIST, new URL(script.url).pathname)).size;
      expect(script.encoding, script.url).toBe(built < MIN_COMPRESSED_BYTES ? undefined : "br");
      expect(script.cache, script.url).toBe("public, max-age=31536000, immutable");
    }
    expect(documents).toEqual([{ encoding: "br", cache: "no-store" }]);
    await context.close();
  });
});
