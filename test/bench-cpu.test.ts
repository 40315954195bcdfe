// The bench's CPU-per-request figures (bench/cpu.ts) read /proc/<pid>/stat; a process name may hold
// spaces and parentheses, and the times are clock ticks.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { cpuPerRequest, parseStat, sampleCpu } from "../bench/cpu.js";

describe("bench CPU per request", () => {
  it("reads the process group and the user + system ticks after the last parenthesis", () => {
    const line = "4242 (postgres: a (b) c) S 1 4200 4200 0 -1 4194560 100 0 0 0 731 269 0 0 20 0 1 0 5 0 0";
    expect(parseStat(line)).toEqual({ comm: "postgres: a (b) c", group: 4200, ticks: 1000 });
    expect(parseStat("garbage")).toBeNull();
  });

  it("divides the ticks between two samples by the requests, each side apart", () => {
    const before = { server: 100, postgres: 50 };
    const after = { server: 300, postgres: 150 };
    const cost = cpuPerRequest(before, after, 1_000);
    // 200 server ticks and 100 PostgreSQL ticks over 1,000 requests, at the machine's tick rate.
    expect(cost?.serverUs).toBeGreaterThan(0);
    expect(cost?.serverUs).toBeCloseTo((cost?.postgresUs ?? 0) * 2, 6);
    expect(cpuPerRequest(before, after, 0)).toBeNull();
    expect(cpuPerRequest(null, after, 10)).toBeNull();
  });

  it.runIf(process.platform === "linux")("samples the CPU of a process group from /proc", () => {
    const own = parseStat(fs.readFileSync("/proc/self/stat", "utf8"));
    expect(own).not.toBeNull();
    const sample = sampleCpu(own?.group);
    expect(sample?.server).toBeGreaterThanOrEqual(own?.ticks ?? 0);
    expect(sampleCpu(undefined)).toBeNull();
  });
});
