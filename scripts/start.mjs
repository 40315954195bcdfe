#!/usr/bin/env node
// `npm start`: builds the web app when its sources are newer than the last build, then runs the
// server (TypeScript through tsx), passing SIGTERM/SIGINT on so it can drain and stop cleanly.
import { spawn } from "node:child_process";
import path from "node:path";
import { buildWebIfStale, root } from "./build-web.mjs";

try {
  buildWebIfStale();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const server = spawn(process.execPath, ["--import", "tsx", path.join(root, "server/main.ts")], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
