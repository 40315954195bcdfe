// Builds the web app into web/dist when its sources are newer than the last build.
// Shared by `npm start` and the browser tests' global setup.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function newestMtime(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

export function buildWebIfStale() {
  const sources = [
    "web/src",
    "web/index.html",
    "web/vite.config.ts",
    "web/antd-styles.ts",
    "web/precompress.ts",
    "package-lock.json",
  ].map((p) => path.join(root, p));
  const builtAt = newestMtime(path.join(root, "web", "dist", "index.html"));
  if (builtAt !== 0 && Math.max(...sources.map(newestMtime)) <= builtAt) return;
  console.log("Building the web app…");
  const build = spawnSync(
    process.execPath,
    [
      path.join(root, "node_modules/vite/bin/vite.js"),
      "build",
      "--config",
      "web/vite.config.ts",
      "--logLevel",
      "warn",
    ],
    // Always a production build: under a test runner NODE_ENV=test would make React and Ant Design
    // hand out fixed element ids, so two open dialogs would share one accessible name.
    { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } },
  );
  if (build.status !== 0) throw new Error(`web build failed with exit code ${build.status}`);
}
