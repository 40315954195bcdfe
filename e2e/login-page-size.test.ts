// Issue #21's U3 as a size, not a time: the JavaScript the login page loads from the production
// build (the global setup builds it), gzipped, stays within 200 KB. The bench reads the same
// figure in Chromium; this catches the import that drags a large component into the login page
// (Ant Design's Select for the language choice added 45 KB and went unnoticed until a bench run).
import { describe, expect, it } from "vitest";
import { loginPageJs } from "../bench/web-size.js";

const BUDGET_BYTES = 200 * 1024;

describe("issue 21 U3: the login page's JavaScript", () => {
  it("is at most 200 KB gzipped", () => {
    const login = loginPageJs();
    expect(login.files.length).toBeGreaterThan(1);
    expect(login.gzipBytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
