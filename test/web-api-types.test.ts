// The web app is type-checked against the types generated from the server's OpenAPI document, so a
// response field renamed on the server fails CI wherever the web still reads the old name.
// (`npm run typecheck` checks the web against the committed schema.d.ts, and
// test/openapi-types.test.ts fails when that file is not regenerated after a route schema changed.)
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { apiTypesOf, SCHEMA_FILE } from "../scripts/generate-api-types.js";
import { renderOpenApiDocument } from "../scripts/openapi-document.js";

const WEB_TSCONFIG = path.resolve(import.meta.dirname, "../web/tsconfig.json");

/** The errors of `tsc -p web/tsconfig.json` with `schema` in place of web/src/api/schema.d.ts. */
function typeCheckWebWith(schema: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    WEB_TSCONFIG,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${WEB_TSCONFIG}`);
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (path.resolve(file) === SCHEMA_FILE ? schema : readFile(file));
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? `${path.basename(diagnostic.file.fileName)}: ` : "";
    return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  });
}

describe("Issue 20 item 1: the web's API types come from the server's schemas", () => {
  it("fails the web's type-check when the server renames a response field the web reads (Member.lastActiveAt)", async () => {
    const { document } = await renderOpenApiDocument("http://localhost:3000");
    const served = JSON.stringify(document);
    expect(served).toContain('"lastActiveAt"');
    const renamed = JSON.parse(served.replaceAll('"lastActiveAt"', '"lastSeenAt"')) as Record<
      string,
      unknown
    >;

    const errors = typeCheckWebWith(await apiTypesOf(renamed));

    expect(errors.some((error) => error.startsWith("MemberTable.tsx: "))).toBe(true);
    // Nothing else broke: every error is the web reading the old name.
    for (const error of errors) expect(error).toContain("lastActiveAt");
  });
});
