// Issue 17 item 13: the portal runs on a supported Node.js (PCI DSS 6.3.3). Node 20's security fixes
// ended on 2026-04-30; the project brings Node.js 24 LTS to its npm scripts through the node package.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { MINIMUM_NODE_MAJOR } from "../scripts/supported-node.mjs";

const manifest = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8"));

describe("Issue 17 item 13: a supported runtime", () => {
  it("asks for Node.js 24 or newer and provides it as a dev dependency", () => {
    expect(MINIMUM_NODE_MAJOR).toBeGreaterThanOrEqual(24);
    expect(manifest.devDependencies.node).toMatch(/^\^24\./);
    expect(manifest.allowScripts.node).toBe(true);
  });

  it("runs the tests on it", () => {
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(MINIMUM_NODE_MAJOR);
  });
});
