// The JavaScript a page of the production build loads, from Vite's build manifest
// (web/dist/.vite/manifest.json): the entry and its static imports, plus the page's own lazy chunk
// and its static imports, each file gzipped as a server would send it.
//   tsx bench/web-size.ts            (prints the login page's and the member list's figures)
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "./processes.js";

export type ManifestChunk = {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
};
export type Manifest = Record<string, ManifestChunk>;

export const WEB_DIST = path.join(ROOT, "web", "dist");

export function readManifest(dist = WEB_DIST): Manifest {
  const file = path.join(dist, ".vite", "manifest.json");
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: build the web app (npm run build)`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
}

/**
 * The files (relative to the dist folder) loaded up front for the entry plus the lazy chunks of
 * `pageSources` (manifest keys such as "src/pages/LoginPage.tsx"): each chunk and its static
 * imports, transitively; dynamic imports are left out, as nothing loads them yet.
 */
export function pageFiles(manifest: Manifest, pageSources: readonly string[]): string[] {
  const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry)?.[0];
  if (!entry) throw new Error("the manifest has no entry chunk");
  const seen = new Set<string>();
  const files: string[] = [];
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`the manifest has no chunk ${key}`);
    files.push(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entry);
  for (const source of pageSources) visit(source);
  return files;
}

/** The gzipped size of files in the dist folder, at gzip's default level. */
export function gzippedBytes(files: readonly string[], dist = WEB_DIST): number {
  return files.reduce((sum, file) => sum + gzipSync(fs.readFileSync(path.join(dist, file))).length, 0);
}

export function rawBytes(files: readonly string[], dist = WEB_DIST): number {
  return files.reduce((sum, file) => sum + fs.statSync(path.join(dist, file)).size, 0);
}

export const LOGIN_PAGE_SOURCES = ["src/pages/LoginPage.tsx"];

/** The login page's JavaScript as the manifest lists it: files, raw and gzipped bytes. */
export function loginPageJs(dist = WEB_DIST) {
  const manifest = readManifest(dist);
  const files = pageFiles(
    manifest,
    LOGIN_PAGE_SOURCES.filter((source) => manifest[source]),
  ).filter((file) => file.endsWith(".js"));
  return { files, rawBytes: rawBytes(files, dist), gzipBytes: gzippedBytes(files, dist) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const login = loginPageJs();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(
    `login page JavaScript: ${kb(login.gzipBytes)} gzipped (${kb(login.rawBytes)} raw) in ${login.files.length} files`,
  );
  for (const file of login.files) console.log(`  ${file}  ${kb(gzippedBytes([file]))}`);
}
