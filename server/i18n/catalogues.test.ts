// SPEC §6.6: the server's catalogues are complete in both languages: every error code and every text
// has its Chinese, with the same placeholders, and every message a service writes into an error body
// is one the catalogue knows, so no Chinese reader gets an English sentence.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../errors.js";
import { EN_TEXTS } from "./catalogue-en.js";
import { ZH_CN_ERRORS, ZH_CN_TEXTS } from "./catalogue-zh-CN.js";
import { findMessage, placeholdersOf } from "./translate.js";

const CHINESE = /[\u4e00-\u9fff]/;
const SERVER_DIR = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [full] : [];
  });
}

/**
 * The literal messages of `new AppError("code", "…")`, `reject(…, "…")` and a batch row's
 * `result(row, "status", "code", "…")` calls, and of `message:`, `reason:` and `const message =`,
 * `${…}` as one word.
 */
function writtenMessages(): { file: string; message: string }[] {
  const found: { file: string; message: string }[] = [];
  const call =
    /(?:new AppError\(\s*"[a-z_]+",|\breject\((?:\s*"[a-z_]+",)?|\bresult\(row, "[a-z_]+", "[a-z_]+",|\bmessage:|\breason:|\bconst message =)\s*("(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*')/g;
  for (const file of sourceFiles(SERVER_DIR)) {
    if (file.includes(`${path.sep}i18n${path.sep}`) || file.includes(`${path.sep}scim${path.sep}`)) continue;
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(call)) {
      const literal = match[1] as string;
      const text = literal
        .slice(1, -1)
        .replace(/\$\{[^}]*\}/g, "sample")
        .replace(/\\(["'`\\])/g, "$1");
      // Only sentences: an error code, an identifier or a field path is no message.
      if (!/^(sample |[A-Z"`]).*[.!?]$/s.test(text)) continue;
      found.push({ file: path.relative(SERVER_DIR, file), message: text });
    }
  }
  return found;
}

describe("SPEC §6.6 the server's catalogues are complete in English and Chinese", () => {
  it("has a Chinese message for every error code", () => {
    expect(Object.keys(ZH_CN_ERRORS).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, message] of Object.entries(ZH_CN_ERRORS)) expect(message, code).toMatch(CHINESE);
  });

  it("has every text in both languages, with the same placeholders", () => {
    expect(Object.keys(ZH_CN_TEXTS).sort()).toEqual(Object.keys(EN_TEXTS).sort());
    for (const [key, english] of Object.entries(EN_TEXTS)) {
      const chinese = ZH_CN_TEXTS[key as keyof typeof EN_TEXTS];
      expect(english.trim(), key).not.toBe("");
      expect(chinese.trim(), key).not.toBe("");
      expect(placeholdersOf(chinese).sort(), key).toEqual(placeholdersOf(english).sort());
    }
  });

  it("knows every message a service writes into an error body", () => {
    const messages = writtenMessages();
    // The scan finds the services' messages at all (a broken pattern would find none and pass).
    expect(messages.length).toBeGreaterThan(50);
    const codeMessages = new Set<string>(Object.values(ERROR_CODES).map((entry) => entry.message));
    const unknown = messages.filter(
      ({ message }) => !codeMessages.has(message) && findMessage(message) === null,
    );
    expect(unknown).toEqual([]);
  });
});
