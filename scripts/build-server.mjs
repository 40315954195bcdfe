// Bundles the server's TypeScript into build/server.mjs when its sources are newer than the last
// bundle, so `npm start` runs plain JavaScript: no TypeScript loader on the start-up path.
// Packages stay in node_modules (external); migrations and web/dist are read from the project.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { newestMtime, root } from "./build-web.mjs";

export const serverBundle = path.join(root, "build", "server.mjs");

export function buildServerIfStale() {
  const sources = ["server", "package-lock.json", "tsconfig.json", "scripts/build-server.mjs"].map((p) =>
    path.join(root, p),
  );
  const builtAt = newestMtime(serverBundle);
  if (builtAt !== 0 && Math.max(...sources.map(newestMtime)) <= builtAt) return;
  fs.mkdirSync(path.join(root, "build"), { recursive: true });
  // Loaded only when a build is needed: importing esbuild costs a start ~70 ms.
  const { buildSync } = createRequire(import.meta.url)("esbuild");
  // Built beside and renamed into place, so a start racing this build never runs half a file.
  const staging = fs.mkdtempSync(path.join(root, "build", ".server-"));
  try {
    buildSync({
      entryPoints: [path.join(root, "server", "main.ts")],
      outfile: path.join(staging, "server.mjs"),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      sourcemap: "linked",
      logLevel: "warning",
    });
    fs.renameSync(path.join(staging, "server.mjs.map"), `${serverBundle}.map`);
    fs.renameSync(path.join(staging, "server.mjs"), serverBundle);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
