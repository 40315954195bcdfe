// Where the project's files are on disk, found the same way whether this code runs from its
// sources (tsx, tests) or bundled into build/server.mjs by `npm start`.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The directory holding package.json, searched upwards from this module's own location. */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
