import { dictionary } from "@zxcvbn-ts/language-common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkPassword,
  commonPasswordCount,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from "./password-policy.js";

const noContext = {};
const fox = "\u{1F98A}";

function codeOf(password: unknown, context: Parameters<typeof checkPassword>[1] = noContext): string {
  const result = checkPassword(password, context);
  return result.ok ? "ok" : result.code;
}

// Any code point except lone surrogates: ASCII, the rest of the BMP and the astral planes.
const anyCharacter = fc
  .oneof(
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0xa0, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0xfffd }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  )
  .map((codePoint) => String.fromCodePoint(codePoint));
// CJK ideographs and emoji survive NFKC and lowercasing unchanged, so they can never be part of an ASCII list entry.
const cjkOrEmoji = fc
  .oneof(fc.integer({ min: 0x4e00, max: 0x9fff }), fc.integer({ min: 0x1f300, max: 0x1f64f }))
  .map((codePoint) => String.fromCodePoint(codePoint));

describe("rule 14: password policy", () => {
  it("ships a common-password list of at least 10,000 entries", () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
  });

  it("counts length in code points: 11 is too short, 12 is enough", () => {
    expect(codeOf("vq7-Lemur-T")).toBe("password_too_short");
    expect(codeOf("vq7-Lemur-Tz")).toBe("ok");
    expect(codeOf("")).toBe("password_too_short");
  });

  it("counts an emoji or other astral character as one, not as two UTF-16 units", () => {
    expect(fox.length).toBe(2);
    expect(codeOf(fox.repeat(11))).toBe("password_too_short");
    expect(codeOf(fox.repeat(12))).toBe("ok");
    expect(codeOf("\u{20BB7}".repeat(12))).toBe("ok");
  });

  it("accepts 256 code points and rejects 257 rather than truncating", () => {
    const phrase = [..."Zebra-quilt 猫 lantern 🦊 "];
    const ofLength = (length: number) =>
      Array.from({ length }, (_, index) => phrase[index % phrase.length]).join("");
    expect([...ofLength(PASSWORD_MAX_LENGTH)]).toHaveLength(256);
    expect(codeOf(ofLength(256))).toBe("ok");
    expect(codeOf(ofLength(257))).toBe("password_too_long");
  });

  it("rejects every list entry of 12 or more characters, in any case", () => {
    const longEntries = dictionary["passwords-common"].filter(
      (entry) => [...entry].length >= PASSWORD_MIN_LENGTH,
    );
    expect(longEntries).toContain("leavemealone");
    for (const entry of longEntries) {
      expect(codeOf(entry), entry).toBe("password_common");
      expect(codeOf(entry.toUpperCase()), entry).toBe("password_common");
    }
  });

  it("rejects a common password padded with digits, punctuation or spaces", () => {
    expect(codeOf("password12345!")).toBe("password_common");
    expect(codeOf("Password123!")).toBe("password_common");
    expect(codeOf("!!Qwerty2024!!")).toBe("password_common");
    expect(codeOf("2024 sunshine!")).toBe("password_common");
    expect(codeOf("ｐａｓｓｗｏｒｄ１２３４")).toBe("password_common");
  });

  it("accepts a passphrase that merely contains common words", () => {
    expect(codeOf("correct horse battery staple")).toBe("ok");
    expect(codeOf("password is not my password")).toBe("ok");
  });

  it("explains a rejection in plain words", () => {
    const result = checkPassword("password12345!", noContext);
    expect(result).toMatchObject({ ok: false, code: "password_common" });
    expect(result.ok ? "" : result.message).toMatch(/common/i);
  });

  it("rejects a password containing the email's local part, whatever its case", () => {
    const context = { email: "Alice.Smith@example.com" };
    expect(codeOf("xyzALICE.SMITHxyz!!", context)).toBe("password_contains_email");
    expect(codeOf("quietly-Smith-forever", context)).toBe("password_contains_email");
    expect(codeOf("my-aliceinwonderland", context)).toBe("password_contains_email");
    expect(codeOf("quietly-forever-more", context)).toBe("ok");
  });

  it("ignores an email local part or piece shorter than three characters", () => {
    expect(codeOf("total-calm-pal-9", { email: "al@example.com" })).toBe("ok");
    expect(codeOf("total-calm-pal-9", { email: "al.b@example.com" })).toBe("ok");
  });

  it("still judges the local part of an address that does not canonicalize", () => {
    expect(codeOf("my-name-is-alıce-ok", { email: "alıce@example.com" })).toBe("password_contains_email");
  });

  it("rejects the product or company name passed as an extra word, ignoring words under three characters", () => {
    const context = { email: "bob@example.com", extraWords: ["portal", "Acme Corp", "po"] };
    expect(codeOf("MyPortalLogin-2024", context)).toBe("password_common");
    expect(codeOf("I-work-at-ACME CORP", context)).toBe("password_common");
    expect(codeOf("poetic-puppy-morning", context)).toBe("ok");
    const result = checkPassword("MyPortalLogin-2024", context);
    expect(result.ok ? "" : result.message).toContain("portal");
  });

  it("rejects anything that is not a well-formed string", () => {
    for (const bad of [undefined, null, 123456789012, ["correct horse battery"], {}, true]) {
      expect(codeOf(bad)).toBe("password_invalid");
    }
    expect(codeOf("correct horse \ud800 battery")).toBe("password_invalid");
  });

  it("accepts any 12–256 code points holding a CJK or emoji character unless it contains a context word", () => {
    const context = { email: "alice@example.com", extraWords: ["portal"] };
    fc.assert(
      fc.property(
        fc.array(anyCharacter, { minLength: PASSWORD_MIN_LENGTH - 1, maxLength: PASSWORD_MAX_LENGTH - 1 }),
        cjkOrEmoji,
        fc.nat(),
        fc.constantFrom("", "", "", "ALICE", "Portal"),
        (characters, special, position, contextWord) => {
          const at = position % (characters.length + 1);
          const mixed = [...characters.slice(0, at), special, ...characters.slice(at)];
          const password = `${contextWord}${mixed.join("")}`;
          fc.pre([...password].length <= PASSWORD_MAX_LENGTH);
          const folded = password.normalize("NFKC").toLowerCase();
          const hasContextWord = folded.includes("alice") || folded.includes("portal");
          const result = checkPassword(password, context);
          expect(result.ok).toBe(!hasContextWord);
          if (!result.ok) expect(["password_contains_email", "password_common"]).toContain(result.code);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("rejects every string shorter than 12 or longer than 256 code points", () => {
    fc.assert(
      fc.property(fc.array(anyCharacter, { maxLength: PASSWORD_MIN_LENGTH - 1 }), (characters) => {
        expect(codeOf(characters.join(""))).toBe("password_too_short");
      }),
    );
    fc.assert(
      fc.property(fc.array(anyCharacter, { minLength: 257, maxLength: 400 }), (characters) => {
        expect(codeOf(characters.join(""))).toBe("password_too_long");
      }),
      { numRuns: 50 },
    );
  });
});
