// SPEC §6.6: "No user-facing string outside the catalogues". Each web source file is read with the
// TypeScript parser, and text a person would read is refused where it is written as a literal:
// JSX text, string literals (and templates) inside JSX, user-facing JSX attributes (title, label,
// placeholder, aria-label…), object properties Ant Design shows (title, label, okText, emptyText…)
// and the arguments of message/notification calls. Words pass only through t() and the catalogues.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const WEB_SRC = path.resolve(import.meta.dirname, "../../web/src");

/** Attributes and properties whose text a person reads or hears. */
const USER_FACING_NAMES = new Set([
  "title",
  "label",
  "placeholder",
  "aria-label",
  "aria-description",
  "alt",
  "description",
  "message",
  "subTitle",
  "okText",
  "cancelText",
  "content",
  "tooltip",
  "emptyText",
  "help",
  "extra",
  "addonBefore",
  "addonAfter",
  "checkedChildren",
  "unCheckedChildren",
  "text",
  "children",
  "summary",
  "sentence",
  "heading",
  "noun",
]);

const NOTIFYING_CALLS = /^(message|notification|modal)\.(success|error|info|warning|open|loading|confirm)$/;

/** Words: two letters in a row (a CSS value like "100%" or a key like "id" of one word is not text). */
function isText(text: string): boolean {
  const trimmed = text.trim();
  if (!/\p{L}\p{L}/u.test(trimmed)) return false;
  // Identifiers, CSS values, routes and keys: one token without spaces that is not a capitalised word.
  if (!/\s/.test(trimmed) && !/^\p{Lu}\p{Ll}+[.!?:]?$/u.test(trimmed)) return false;
  return true;
}

function stringOf(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(" ");
  }
  return undefined;
}

type Literal = { line: number; text: string };

/** The user-facing literals of one source file. */
function literalsOf(fileName: string, source: string): Literal[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: Literal[] = [];
  const report = (node: ts.Node, text: string) => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    found.push({ line: line + 1, text: text.trim().slice(0, 80) });
  };
  /** Literal text in an expression: itself, or either branch of a condition or ??/||. */
  const check = (expression: ts.Expression | undefined) => {
    if (expression === undefined) return;
    const text = stringOf(expression);
    if (text !== undefined) {
      if (isText(text)) report(expression, text);
      return;
    }
    if (ts.isConditionalExpression(expression)) {
      check(expression.whenTrue);
      check(expression.whenFalse);
    } else if (
      ts.isBinaryExpression(expression) &&
      [
        ts.SyntaxKind.QuestionQuestionToken,
        ts.SyntaxKind.BarBarToken,
        ts.SyntaxKind.AmpersandAmpersandToken,
      ].includes(expression.operatorToken.kind)
    ) {
      check(expression.right);
      if (expression.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken) check(expression.left);
    } else if (ts.isParenthesizedExpression(expression)) {
      check(expression.expression);
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) {
      if (isText(node.text) || /\p{L}\p{L}/u.test(node.text.trim())) {
        if (node.text.trim() !== "") report(node, node.text);
      }
    } else if (ts.isJsxExpression(node) && node.parent !== undefined && !ts.isJsxAttribute(node.parent)) {
      check(node.expression);
    } else if (ts.isJsxAttribute(node) && node.initializer !== undefined) {
      const name = node.name.getText(file);
      if (USER_FACING_NAMES.has(name)) {
        if (ts.isStringLiteral(node.initializer)) {
          if (isText(node.initializer.text)) report(node.initializer, node.initializer.text);
        } else if (ts.isJsxExpression(node.initializer)) {
          check(node.initializer.expression);
        }
      }
    } else if (ts.isPropertyAssignment(node)) {
      const name = ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : undefined;
      if (name !== undefined && USER_FACING_NAMES.has(name)) check(node.initializer);
    } else if (ts.isNewExpression(node) && node.expression.getText(file) === "ApiError") {
      // The client's own errors (an unreachable server) are shown like the server's messages.
      for (const argument of node.arguments ?? []) check(argument);
    } else if (ts.isCallExpression(node) && NOTIFYING_CALLS.test(node.expression.getText(file))) {
      for (const argument of node.arguments) check(argument);
    } else if (ts.isThrowStatement(node)) {
      // Errors for developers (a missing root element) are not read by the portal's users.
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Web source files a person's words could be written in (tests and generated types aside). */
function webSourceFiles(directory = WEB_SRC): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...webSourceFiles(full));
    else if (/\.tsx?$/.test(entry.name) && !/\.(test|d)\.tsx?$/.test(entry.name)) files.push(full);
  }
  return files.sort();
}

describe("the literal finder", () => {
  it("finds JSX text, user-facing attributes, column titles and notices, and passes t() and code", () => {
    const source = `
      const columns = [{ key: "email", title: "Member Email", dataIndex: "email" }];
      export function Page() {
        message.success("Role changed");
        return (
          <div className="wide" data-testid="member-list">
            Member List
            <Button aria-label="Open the menu" type="primary">{t("search")}</Button>
            <Input placeholder={isEmpty ? "Search by email" : t("filter")} />
            {count > 0 ? "No members yet" : null}
            <span title={t("hint")}>{"–"}</span>
          </div>
        );
      }`;
    expect(literalsOf("page.tsx", source).map((literal) => literal.text)).toEqual([
      "Member Email",
      "Role changed",
      "Member List",
      "Open the menu",
      "Search by email",
      "No members yet",
    ]);
  });
});

describe("SPEC §6.6: no user-facing literal in the web app's source", () => {
  for (const file of webSourceFiles()) {
    const name = path.relative(WEB_SRC, file);
    it(`${name} has no user-facing literal`, () => {
      expect(literalsOf(file, readFileSync(file, "utf8"))).toEqual([]);
    });
  }
});
