// Prints one plain closing line, "tests: N passed, N failed, N skipped", that any CI can read,
// and says which suites the runner left out on this machine (set by scripts/test.mjs).
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed += 1;
        else if (state === "failed") failed += 1;
        else skipped += 1;
      }
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) failed += 1;
    }
    const leftOut = process.env.PORTAL_TESTS_LEFT_OUT;
    if (leftOut) process.stdout.write(`\nLeft out on this machine: ${leftOut}\n`);
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
