// The build's Ant Design style sheet (web/antd-styles.ts) renders the components the web app
// imports, and only those: a component added to a page without a sample would have its styles built
// in the browser again, and a sample the app no longer uses would make every first visit load
// styles nobody draws. The browser side is e2e/antd-styles.test.ts.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ANTD_SAMPLES, antdStyleSheet } from "../web/antd-styles.js";

const WEB_SOURCES = path.resolve(import.meta.dirname, "..", "web", "src");

// Imported from "antd" but drawing nothing of their own: the theme's provider and tokens, React 19's
// render hook, and Grid, whose breakpoint hook alone the app uses.
const NOT_DRAWN = new Set(["ConfigProvider", "theme", "unstableSetRender", "Grid"]);

function sourceFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The values (not types) each file imports from "antd", by the name antd exports them under. */
function componentsImportedFromAntd(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(WEB_SOURCES)) {
    const text = fs.readFileSync(file, "utf8");
    for (const match of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"antd"/g)) {
      if (match[1]) continue;
      for (const part of (match[2] ?? "").split(",")) {
        const name =
          part
            .trim()
            .split(/\s+as\s+/)[0]
            ?.trim() ?? "";
        if (name && !name.startsWith("type ")) names.add(name);
      }
    }
  }
  return names;
}

describe("the build's Ant Design style sheet", () => {
  it("has a sample of each component web/src imports from antd, and of no other", () => {
    const drawn = [...componentsImportedFromAntd()].filter((name) => !NOT_DRAWN.has(name)).sort();
    expect(drawn).toContain("Table");
    expect(drawn).toContain("Button");
    expect(Object.keys(ANTD_SAMPLES).sort()).toEqual(drawn);
  });

  it("is built for production only: the engine names its classes after NODE_ENV", async () => {
    expect(process.env.NODE_ENV).not.toBe("production");
    await expect(antdStyleSheet({})).rejects.toThrow(/production only/);
  });
});
