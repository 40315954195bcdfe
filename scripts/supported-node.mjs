// The runtime the project supports: package.json's engines.node (Node.js 24 LTS). npm scripts get it
// from the node package in node_modules/.bin; run directly with an older system Node, they stop here.
import fs from "node:fs";

const manifest = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8"));
export const MINIMUM_NODE_MAJOR = Number(/>=\s*(\d+)/.exec(manifest.engines.node)?.[1]);

export function assertSupportedNode(version = process.versions.node) {
  const major = Number(version.split(".")[0]);
  if (!(major >= MINIMUM_NODE_MAJOR)) {
    console.error(
      `Node.js ${version} is not supported: this project needs Node.js ${MINIMUM_NODE_MAJOR} or newer. ` +
        "Run it through npm (npm start, npm test), which uses the Node.js of node_modules/.bin after npm install.",
    );
    process.exit(1);
  }
}
