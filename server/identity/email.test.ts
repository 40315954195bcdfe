import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalizeEmail, isSameEmail, maskEmail } from "./email.js";

function canonical(input: unknown): string | undefined {
  const result = canonicalizeEmail(input);
  return result.ok ? result.email : undefined;
}

const CANONICAL_SHAPE = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[a-z0-9.-]{1,253}$/;

// Ordinary pieces most of the time, and now and then one that stresses a step: case, NFKC, confusables,
// invisible characters, separators and injection.
const ORDINARY_LOCAL = ["alice", "Alice", "BOB", "x", "1", "+tag", "_", "-", ".", "o'neil", "{x}"];
const ORDINARY_DOMAIN = [
  "example",
  "EXAMPLE",
  "exämple",
  "例え",
  "mail.",
  "a-b",
  "xn--exmple-cua",
  "ＥＸＡＭＰＬＥ",
];
const TRICKY = [
  "..",
  "!",
  "`",
  "~",
  "@",
  "＠",
  "@@",
  " ",
  "\t",
  "\u00a0",
  "\u3000",
  "\r\n",
  "\u0000",
  "\u200b",
  "\u00ad",
  "\ufe0f",
  "ı",
  "İ",
  "é",
  "e\u0301",
  "ß",
  "ẞ",
  "ﬀ",
  "\u212a",
  "ſ",
  "а",
  "е",
  "х",
  "α",
  "。",
  "．",
  "xn--",
  "-",
  "%61",
  "/",
  "?",
  "#",
  ":",
  "[",
  "]",
  '"',
  "(",
  ")",
  ",",
  ";",
  "\\",
  "123",
  "1.2.3.4",
  "\ud800",
];
const fragments = (ordinary: string[]) =>
  fc.array(
    fc.oneof(
      { arbitrary: fc.constantFrom(...ordinary), weight: 5 },
      { arbitrary: fc.constantFrom(...TRICKY), weight: 1 },
    ),
    { minLength: 1, maxLength: 4 },
  );

const emailLike = fc
  .tuple(
    fragments(ORDINARY_LOCAL),
    fc.constantFrom("@", "@", "@", "＠", "@@", ""),
    fragments(ORDINARY_DOMAIN),
    fc.constantFrom(".com", ".org", ".co.uk", ".xn--zckzah", ".テスト", ".", "", ".123"),
  )
  .map(([local, at, domain, tld]) => `${local.join("")}${at}${domain.join("")}${tld}`);

const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 80 }),
);

describe("rule 15: emails are canonicalized once", () => {
  it("folds case and surrounding whitespace into one address", () => {
    for (const variant of [
      "Alice@Example.com",
      " alice@example.com ",
      "ALICE@EXAMPLE.COM",
      "\talice@example.COM\n",
    ]) {
      expect(canonical(variant)).toBe("alice@example.com");
      expect(isSameEmail(variant, "alice@example.com")).toBe(true);
    }
  });

  it("keeps dots and +tags: they name different mailboxes", () => {
    expect(canonical("Alice+Billing@example.com")).toBe("alice+billing@example.com");
    expect(isSameEmail("a.lice@example.com", "alice@example.com")).toBe(false);
  });

  it("rejects a dotless ı, an accent and a Cyrillic а in the local part", () => {
    for (const lookAlike of [
      "alıce@example.com",
      "alicé@example.com",
      "alice\u0301@example.com",
      "\u0430lice@example.com",
    ]) {
      expect(canonicalizeEmail(lookAlike).ok).toBe(false);
      expect(isSameEmail(lookAlike, "alice@example.com")).toBe(false);
    }
  });

  it("says why a non-ASCII local part is refused", () => {
    expect(canonicalizeEmail("alıce@example.com")).toEqual({
      ok: false,
      reason: expect.stringMatching(/unaccented Latin letters/),
    });
  });

  it("rejects a capital dotted İ, which lowercases to i plus a combining dot", () => {
    expect(canonicalizeEmail("\u0130nes@example.com").ok).toBe(false);
  });

  it("never lets a Cyrillic look-alike domain match the Latin one, in Unicode or punycode spelling", () => {
    const cyrillicMixed = "alice@\u0435\u0445ample.com";
    expect(canonicalizeEmail(cyrillicMixed).ok).toBe(false);
    expect(isSameEmail(cyrillicMixed, "alice@example.com")).toBe(false);
    expect(canonicalizeEmail("alice@xn--ample-ywe6i.com").ok).toBe(false);
    // A domain wholly in one script is a legitimate IDN and keeps its own, different canonical form.
    expect(canonical("alice@\u043f\u0440\u0438\u043c\u0435\u0440.com")).toBe("alice@xn--e1afmkfd.com");
    expect(isSameEmail("alice@\u0435\u0445\u0430\u0440.com", "alice@exap.com")).toBe(false);
  });

  it("IDNA-encodes an internationalized domain", () => {
    expect(canonical("alice@exämple.com")).toBe("alice@xn--exmple-cua.com");
    expect(canonical("Alice@EXÄMPLE.com")).toBe("alice@xn--exmple-cua.com");
    expect(isSameEmail("alice@exämple.com", "alice@xn--exmple-cua.com")).toBe(true);
    expect(isSameEmail("alice@exämple.com", "alice@example.com")).toBe(false);
  });

  it("folds the fullwidth ＠ into @: by NFKC it names the same address, and that canonical address is the one stored", () => {
    expect(canonical("alice＠example.com")).toBe("alice@example.com");
    expect(canonical("ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ")).toBe("alice@example.com");
  });

  it("rejects a second @, including one hidden as a fullwidth ＠", () => {
    expect(canonicalizeEmail("a@b@c.com").ok).toBe(false);
    expect(canonicalizeEmail("a@b＠c.com").ok).toBe(false);
  });

  it("rejects header injection with CR/LF", () => {
    expect(canonicalizeEmail("alice@example.com\r\nBcc: x@y.com").ok).toBe(false);
    expect(canonicalizeEmail("alice@example.com\nBcc:x").ok).toBe(false);
    expect(canonicalizeEmail("alice\r\n@example.com").ok).toBe(false);
  });

  it("rejects invisible characters that IDNA would silently drop", () => {
    expect(canonicalizeEmail("alice@exam\u200bple.com").ok).toBe(false);
    expect(canonicalizeEmail("alice@exam\u00adple.com").ok).toBe(false);
    expect(canonicalizeEmail("ali\u200bce@example.com").ok).toBe(false);
  });

  it("rejects URL tricks the host parser would decode or cut", () => {
    expect(canonicalizeEmail("alice@ex%61mple.com").ok).toBe(false);
    expect(canonicalizeEmail("alice@example.com/evil.org").ok).toBe(false);
    expect(canonicalizeEmail("alice@example.com?x").ok).toBe(false);
    expect(canonicalizeEmail("alice@[127.0.0.1]").ok).toBe(false);
  });

  it("rejects empty, whitespace-only and non-string input", () => {
    for (const bad of [
      "",
      "   ",
      "@",
      "alice@",
      "@example.com",
      null,
      undefined,
      42,
      ["alice@example.com"],
      {},
      true,
    ]) {
      expect(canonicalizeEmail(bad).ok).toBe(false);
    }
  });

  it("rejects malformed local parts and domains", () => {
    for (const bad of [
      ".alice@example.com",
      "alice.@example.com",
      "al..ice@example.com",
      '"alice"@example.com',
      "al ice@example.com",
      "alice@localhost",
      "alice@1.2.3.4",
      "alice@-example.com",
      "alice@example-.com",
      "alice@exa_mple.com",
      "alice@example..com",
      "alice@example.com.",
      `${"a".repeat(65)}@example.com`,
      `alice@${"a".repeat(64)}.com`,
      `${"a".repeat(64)}@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(5)}.com`,
      `alice@${"a".repeat(400)}.com`,
    ]) {
      expect(canonicalizeEmail(bad).ok, bad).toBe(false);
    }
    expect(canonical(`${"a".repeat(64)}@example.com`)).toBe(`${"a".repeat(64)}@example.com`);
  });

  it("masks an address for showing where a code was sent", () => {
    expect(maskEmail("alice@example.com")).toBe("a***e@example.com");
    expect(maskEmail("Alice@Exämple.com")).toBe("a***e@xn--exmple-cua.com");
    expect(maskEmail("al@example.com")).toBe("a***@example.com");
    expect(maskEmail("a@example.com")).toBe("a***@example.com");
    expect(maskEmail("not an email")).toBe("***");
  });

  it("is idempotent: canonicalizing a canonical address changes nothing", () => {
    fc.assert(
      fc.property(fc.oneof(emailLike, anyText), (input) => {
        const once = canonicalizeEmail(input);
        if (!once.ok) return;
        expect(canonicalizeEmail(once.email)).toEqual(once);
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts only ASCII, lowercase, one @, no whitespace or control characters", () => {
    fc.assert(
      fc.property(fc.oneof(emailLike, anyText), (input) => {
        const result = canonicalizeEmail(input);
        if (!result.ok) return;
        expect(result.email).toMatch(CANONICAL_SHAPE);
        expect(result.email).toBe(result.email.toLowerCase());
        expect(result.email.split("@")).toHaveLength(2);
        expect(result.email.length).toBeLessThanOrEqual(254);
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts the generated email-like strings often enough to exercise the properties", () => {
    const samples = fc.sample(emailLike, { numRuns: 2000, seed: 15 });
    const accepted = samples.filter((sample) => canonicalizeEmail(sample).ok).length;
    expect(accepted).toBeGreaterThan(300);
  });

  it("never matches an address where one letter is swapped for a look-alike or accented letter", () => {
    const lookAlikes: Record<string, string[]> = {
      a: ["\u0430", "\u00e0", "\u03b1"],
      c: ["\u0441", "\u00e7"],
      e: ["\u0435", "\u00e9", "\u00eb"],
      i: ["\u0131", "\u0456", "\u00ef"],
      l: ["\u04cf", "\u0142"],
      o: ["\u043e", "\u03bf", "\u00f6"],
      p: ["\u0440", "\u03c1"],
      s: ["\u0455"],
      x: ["\u0445"],
      y: ["\u0443"],
    };
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{0,10}$/),
        fc.constantFrom(...Object.keys(lookAlikes)),
        fc.stringMatching(/^[a-z0-9]{0,10}$/),
        fc.nat(),
        fc.boolean(),
        (before, letter, after, pick, inDomain) => {
          const options = lookAlikes[letter] ?? [];
          const swapped = options[pick % options.length] ?? "";
          const [real, fake] = inDomain
            ? [`alice@${before}${letter}${after}.com`, `alice@${before}${swapped}${after}.com`]
            : [`${before}${letter}${after}@example.com`, `${before}${swapped}${after}@example.com`];
          expect(isSameEmail(real, fake)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("folds compatibility characters exactly as NFKC does (the documented fold, like the fullwidth ＠)", () => {
    expect(canonical("\u212aate@example.com")).toBe("kate@example.com");
    expect(canonical("alice@ｅｘａｍｐｌｅ.com")).toBe("alice@example.com");
  });
});
