// Set up before every browser test file: a failed test's error ends with what its pages showed and
// did lately (support/diagnostics.ts), so a failure in CI's log can be told apart from another.
import { beforeEach } from "vitest";
import { describeOpenPages } from "./diagnostics.js";

beforeEach(({ onTestFailed }) => {
  onTestFailed(async ({ task }) => {
    const pages = await describeOpenPages();
    if (pages === "") return;
    const error = task.result?.errors?.[0];
    const told = `\n\nThe open pages when it failed:\n${pages}`;
    if (error === undefined) console.error(told);
    else error.message += told;
  });
});
