import { describe, expect, it } from "vitest";
import { setBounded } from "./bounded-map.js";

describe("setBounded", () => {
  it("keeps at most max entries, removing the one set longest ago", () => {
    const map = new Map<string, number>();
    for (let i = 0; i < 10; i += 1) setBounded(map, `k${i}`, i, 3);
    expect([...map.keys()]).toEqual(["k7", "k8", "k9"]);
  });

  it("counts a key set again as the newest, and does not grow for it", () => {
    const map = new Map<string, number>();
    setBounded(map, "a", 1, 2);
    setBounded(map, "b", 2, 2);
    setBounded(map, "a", 3, 2);
    expect([...map]).toEqual([
      ["b", 2],
      ["a", 3],
    ]);
    setBounded(map, "c", 4, 2);
    expect([...map.keys()]).toEqual(["a", "c"]);
  });
});
