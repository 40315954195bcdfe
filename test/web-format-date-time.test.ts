// The web app's timestamps (web/src/components/formatDateTime.ts): each Intl format is made the
// first time it is asked for, once per language, since making one loads the language's calendar
// data in the render that draws the page; and each reads as before.
import i18next from "i18next";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const Original = Intl.DateTimeFormat;
const made: string[] = [];

describe("the web app's date and time formats", () => {
  beforeAll(() => {
    Intl.DateTimeFormat = new Proxy(Original, {
      construct(target, args: [string?, Intl.DateTimeFormatOptions?]) {
        made.push(`${args[0]} ${JSON.stringify(args[1])}`);
        return Reflect.construct(target, args);
      },
    });
  });

  afterAll(() => {
    Intl.DateTimeFormat = Original;
  });

  it("makes a format when first asked for it, and again only for another language", async () => {
    const { formatDate, formatDateTime, formatUtcDate } = await import(
      "../web/src/components/formatDateTime.js"
    );
    expect(made).toEqual([]);

    expect(formatDate("2026-12-03T12:00:00Z")).toBe("Dec 3, 2026");
    expect(formatDate("2026-12-04T12:00:00Z")).toBe("Dec 4, 2026");
    expect(made).toEqual(['en {"dateStyle":"medium"}']);

    expect(formatUtcDate("2026-12-03T00:00:00Z")).toBe("Dec 3, 2026");
    expect(formatDateTime("not a time")).toBe("not a time");
    expect(made).toHaveLength(2);

    await i18next.init({ lng: "zh-CN", resources: {} });
    expect(formatDate("2026-12-03T12:00:00Z")).toBe("2026年12月3日");
    expect(made.at(-1)).toBe('zh-CN {"dateStyle":"medium"}');
    expect(made).toHaveLength(3);
  });
});
