// The JSON body parser of every route: Fastify's own (body limit, empty and malformed bodies,
// __proto__ and constructor.prototype refused), which also refuses a key repeated in one object.
import type { FastifyError, FastifyInstance } from "fastify";

/** Where a repeated key sits: the key and the JSON pointer (RFC 6901) to its second occurrence. */
export type DuplicateKey = { key: string; pointer: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

type Container = {
  /** The keys seen so far in an object; null in an array. */
  keys: Set<string> | null;
  /** In an object: whether the next string is a key. */
  awaitsKey: boolean;
  /** The member being read: the last key of an object, the index in an array. */
  key: string;
  index: number;
};

/** The index of the quote that closes the string opened at `open`. */
function closingQuote(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0 || quote === -1) return quote;
    quote = text.indexOf('"', quote + 1);
  }
}

function pointerTo(stack: readonly Container[], key: string): string {
  const tokens = stack.slice(0, -1).map((c) => (c.keys ? c.key : String(c.index)));
  tokens.push(key);
  return tokens.map((token) => `/${token.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

/**
 * The first key that appears twice in one object of a JSON text, or null. The text must be valid
 * JSON (parse it first): one pass that skips string contents with indexOf, keeping the keys of
 * the objects still open. Keys are compared as JSON.parse reads them ("a" and "\u0061" are one).
 */
export function findDuplicateKey(text: string): DuplicateKey | null {
  const stack: Container[] = [];
  let top: Container | undefined;
  const length = text.length;
  for (let i = 0; i < length; i += 1) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) {
      const close = closingQuote(text, i);
      if (close === -1) return null; // not JSON; the parser has already refused it
      if (top?.awaitsKey && top.keys) {
        const raw = text.slice(i + 1, close);
        const key = raw.includes("\\") ? (JSON.parse(text.slice(i, close + 1)) as string) : raw;
        if (top.keys.has(key)) return { key, pointer: pointerTo(stack, key) };
        top.keys.add(key);
        top.key = key;
        top.awaitsKey = false;
      }
      i = close;
    } else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
      top = { keys: char === OPEN_OBJECT ? new Set() : null, awaitsKey: true, key: "", index: 0 };
      stack.push(top);
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
      stack.pop();
      top = stack[stack.length - 1];
    } else if (char === COMMA && top) {
      if (top.keys) top.awaitsKey = true;
      else top.index += 1;
    }
  }
  return null;
}

/** A refusal shaped as a body validation error: one error handler words it, and audits it. */
function duplicateKeyError(duplicate: DuplicateKey): FastifyError {
  return Object.assign(new Error(`duplicate key ${JSON.stringify(duplicate.key)}`), {
    code: "FST_ERR_VALIDATION",
    name: "DuplicateKeyError",
    statusCode: 400,
    validationContext: "body" as const,
    validation: [
      {
        keyword: "duplicateKey",
        instancePath: duplicate.pointer,
        schemaPath: "#",
        params: { duplicateKey: duplicate.key },
        message: "appears more than once in its object; send each key once",
      },
    ],
  }) as FastifyError;
}

/** How many keys the objects of a parsed JSON value hold, nested ones included. */
function countKeys(value: object): number {
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === "object") count += countKeys(item);
    return count;
  }
  const keys = Object.keys(value);
  count += keys.length;
  for (const key of keys) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== null && typeof member === "object") count += countKeys(member);
  }
  return count;
}

function isJsonWhitespace(char: number): boolean {
  return char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09;
}

/** Colons whose previous character, whitespace aside, is a quote: each key has one. */
function countColonsAfterQuotes(text: string): number {
  let count = 0;
  for (let at = text.indexOf(":"); at !== -1; at = text.indexOf(":", at + 1)) {
    let before = at - 1;
    while (isJsonWhitespace(text.charCodeAt(before))) before -= 1;
    if (text.charCodeAt(before) === QUOTE) count += 1;
  }
  return count;
}

/**
 * Whether a JSON text may repeat a key, given what JSON.parse made of it. Every key is a string
 * followed by a colon, so the text holds at least as many quote-colons as keys, and JSON.parse
 * keeps one key per name: when the quote-colons are exactly as many as the keys kept, no key was
 * repeated. Otherwise (a repeat, or `\":` inside a string) the scanner decides.
 */
export function mayRepeatAKey(text: string, parsed: unknown): boolean {
  const keys = parsed !== null && typeof parsed === "object" ? countKeys(parsed) : 0;
  return countColonsAfterQuotes(text) > keys;
}

type JsonParser = ReturnType<FastifyInstance["getDefaultJsonParser"]>;

/** `parseJson` (Fastify's parser), then a refusal of any key repeated in one object. */
export function refusingDuplicateKeys(parseJson: JsonParser): JsonParser {
  return (request, body, done) => {
    const text = String(body);
    parseJson(request, text, (error, value) => {
      if (error) return done(error, undefined);
      const duplicate = mayRepeatAKey(text, value) ? findDuplicateKey(text) : null;
      if (duplicate) return done(duplicateKeyError(duplicate), undefined);
      done(null, value);
    });
  };
}

/** Replaces the application/json parser of `app` (register before the routes). */
export function parseJsonBodiesWithoutDuplicateKeys(app: FastifyInstance): void {
  const parse = refusingDuplicateKeys(app.getDefaultJsonParser("error", "error"));
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, parse);
}
