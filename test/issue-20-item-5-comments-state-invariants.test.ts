// Issue 20 item 5: a comment says what holds and why; history belongs in commit messages and
// measured figures in the README's performance section. This reads every comment of the server
// and the web app and names the ones that narrate or quote a measurement.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
// Generated files: their comments are the generator's.
const GENERATED = new Set(["web/src/api/schema.d.ts", "server/db/schema.ts"]);

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .filter((file) => !GENERATED.has(file));
}

/** The comment lines of a file: `//` comments and the lines of `/* … *\/` blocks. */
function commentLines(file: string): { line: number; text: string }[] {
  return readFileSync(join(ROOT, file), "utf8")
    .split("\n")
    .map((text, i) => ({ line: i + 1, text: text.trim() }))
    .filter(({ text }) => /^(\/\/|\/\*|\*)/.test(text));
}

const NARRATION: [string, RegExp][] = [
  [
    "a promise of later work",
    /\b(later|future|next|coming) (issue|release|version|PR)\b|arrives in a later/i,
  ],
  ["an issue number", /\bissue #?\d+|\(#\d+\)/i],
  ["history", /\b(used to|previously|formerly|was replaced|no longer needed|we changed)\b/i],
  ["a measured figure", /\bCPU\b|\bmeasured\b|~\s?\d[\d.,]*\s?(ms|µs|s|MB|%)|\d+(\.\d+)?\s?% of\b/i],
];

describe("Issue 20 item 5: comments state the invariant and its reason, not history or figures", () => {
  const files = [...sources("server"), ...sources("web/src")];

  for (const [kind, pattern] of NARRATION) {
    it(`no comment in server/ or web/src carries ${kind}`, () => {
      const found = files.flatMap((file) =>
        commentLines(file)
          .filter(({ text }) => pattern.test(text))
          .map(({ line, text }) => `${file}:${line}: ${text}`),
      );
      expect(found).toEqual([]);
    });
  }
});
