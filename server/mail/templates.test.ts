// A mail's moments in the reader's language and zone, whatever order readers of different languages
// and zones come in (the formatters are kept per language and zone).
import { describe, expect, it } from "vitest";
import { readableTime } from "./templates.js";

describe("readableTime", () => {
  const at = new Date("2026-03-02T09:05:00Z");

  it("says one moment in each reader's language and zone, readers interleaved", () => {
    const readers = [
      { language: "en", timeZone: null, says: "2 March 2026 at 09:05 UTC" },
      { language: "en", timeZone: "Asia/Shanghai", says: "2 March 2026 at 17:05 (Asia/Shanghai)" },
      { language: "zh-CN", timeZone: "Asia/Shanghai", says: "2026年3月2日 17:05（Asia/Shanghai）" },
      { language: "en", timeZone: "America/New_York", says: "2 March 2026 at 04:05 (America/New_York)" },
      { language: "zh-CN", timeZone: null, says: "2026年3月2日 09:05（UTC）" },
    ] as const;
    for (const round of [1, 2]) {
      for (const reader of round === 1 ? readers : [...readers].reverse()) {
        expect(readableTime(at, { language: reader.language, timeZone: reader.timeZone })).toBe(reader.says);
      }
    }
  });

  it("keeps telling zones apart past the number of formatters it keeps", () => {
    // Every zone Intl knows, spelled as it spells it and in lower case, in both languages: more
    // language-and-zone pairs than the formatters it keeps.
    const zones = Intl.supportedValuesOf("timeZone").flatMap((zone) => [zone, zone.toLowerCase()]);
    expect(zones.length * 2).toBeGreaterThan(1_000);
    for (const language of ["en", "zh-CN"] as const) {
      for (const timeZone of zones) readableTime(at, { language, timeZone });
    }
    expect(readableTime(at, { language: "zh-CN", timeZone: "asia/kolkata" })).toBe(
      "2026年3月2日 14:35（asia/kolkata）",
    );
    expect(readableTime(at, { language: "en", timeZone: "Asia/Kolkata" })).toBe(
      "2 March 2026 at 14:35 (Asia/Kolkata)",
    );
    expect(readableTime(at, { language: "en", timeZone: "UTC" })).toBe("2 March 2026 at 09:05 (UTC)");
  });
});
