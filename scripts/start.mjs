#!/usr/bin/env node
// `npm start`: builds the web app and the server bundle when their sources are newer than the
// last build, then runs the server in this process (plain JavaScript, no TypeScript loader), which
// handles SIGTERM/SIGINT itself: it drains in-flight requests and stops cleanly.
import { pathToFileURL } from "node:url";
import { buildServerIfStale, serverBundle } from "./build-server.mjs";
import { buildWebIfStale } from "./build-web.mjs";
import { assertSupportedNode } from "./supported-node.mjs";

assertSupportedNode();

try {
  buildWebIfStale();
  buildServerIfStale();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

await import(pathToFileURL(serverBundle).href);
