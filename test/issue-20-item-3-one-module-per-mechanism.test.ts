// Issue 20 item 3: each small mechanism is written once. The server's sources are read as text and
// every other copy of the UUID pattern, the unique-violation code, the "admin" role key and the
// grant-ceiling arithmetic is named, with its file, when it comes back.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

const SERVER = sourcesUnder("server");

/** The files, other than `home`, whose text matches `pattern`. */
function copiesOutside(home: string, pattern: RegExp): string[] {
  return SERVER.filter((file) => file !== home && pattern.test(readFileSync(join(ROOT, file), "utf8")));
}

describe("Issue 20 item 3: one module per mechanism", () => {
  it("recognises a UUID in server/ids.ts alone", () => {
    expect(copiesOutside("server/ids.ts", /\[0-9a-f\]\{8\}-/)).toEqual([]);
  });

  it("bounds a server's in-memory copies in server/bounded-map.ts alone", () => {
    // Removing a Map's oldest entry by hand, as three copies did before setBounded.
    expect(copiesOutside("server/bounded-map.ts", /\.keys\(\)\.next\(\)/)).toEqual([]);
  });

  it("names PostgreSQL's unique-violation code in server/db/error-kinds.ts alone", () => {
    expect(copiesOutside("server/db/error-kinds.ts", /["']23505["']|function isUniqueViolation/)).toEqual([]);
  });

  it("spells the Admin role's key once, as ADMIN_ROLE_KEY", () => {
    // A string literal "admin" (or SQL's 'admin') anywhere but the catalogue of predefined roles;
    // the demo's admin@ mailbox is a name, not the key.
    expect(copiesOutside("server/access/permissions.ts", /(?<!local: )["'`]admin["'`]/)).toEqual([]);
  });

  it("computes the permissions beyond an actor's own in access/policy.ts alone", () => {
    // The arithmetic of rule 6: wanted permissions filtered by what the actor holds.
    const ceiling = /\.filter\(\(\w+\) => !\w+(\.\w+)*\.permissions\.includes\(/;
    expect(copiesOutside("server/access/policy.ts", ceiling)).toEqual([]);
  });

  it("records a new password (its audit event and its notice) in one function", () => {
    // The functions of the passwords service, each as text from its declaration to the next.
    const functions = readFileSync(join(ROOT, "server/passwords/service.ts"), "utf8").split(
      /\n(?=(?:export )?(?:async )?function )/,
    );
    const recording = functions.filter((text) => /"password\.(changed|reset)"/.test(text));
    expect(recording).toHaveLength(1);
    expect(recording[0]).toContain("passwordChangedMail(");
    expect(functions.filter((text) => text.includes("passwordChangedMail("))).toHaveLength(1);
  });
});
