// Prints one plain closing line, "tests: N passed, N failed, N skipped", that any CI can read,
// says which suites the runner left out on this machine (set by scripts/test.mjs), and lists the
// slowest files with their project, so that keeping CI under its hour starts from a measurement.
import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";

const SLOWEST_SHOWN = 25;

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
    const slowest = testModules
      .map((module) => ({
        seconds: module.diagnostic().duration / 1000,
        name: `${module.project.name} ${relative(process.cwd(), module.moduleId)}`,
      }))
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, SLOWEST_SHOWN);
    if (slowest.length > 1) {
      process.stdout.write("\nslowest files:\n");
      for (const file of slowest)
        process.stdout.write(`  ${file.seconds.toFixed(1).padStart(7)} s  ${file.name}\n`);
    }
    const leftOut = process.env.PORTAL_TESTS_LEFT_OUT;
    if (leftOut) process.stdout.write(`\nLeft out on this machine: ${leftOut}\n`);
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
