// The bench's CPU-per-request figures (bench/cpu.ts) read /proc: a process name may hold spaces and
// parentheses, a backend's title names its database, and the samples are nanoseconds.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { backendDatabase, cpuPerRequest, parseStat, sampleCpu } from "../bench/cpu.js";

describe("bench CPU per request", () => {
  it("reads the process group and the user + system ticks after the last parenthesis", () => {
    const line = "4242 (postgres: a (b) c) S 1 4200 4200 0 -1 4194560 100 0 0 0 731 269 0 0 20 0 1 0 5 0 0";
    expect(parseStat(line)).toEqual({ comm: "postgres: a (b) c", group: 4200, ticks: 1000 });
    expect(parseStat("garbage")).toBeNull();
  });

  it("reads the database a backend serves from its title, with or without a cluster name", () => {
    expect(backendDatabase("postgres: 15/main: postgres portal_bench 127.0.0.1(51234) idle\0")).toBe(
      "portal_bench",
    );
    expect(backendDatabase("postgres: bench portal_ab [local] SELECT\0\0")).toBe("portal_ab");
    expect(backendDatabase("postgres: 15/main: checkpointer   ")).toBeNull();
    expect(
      backendDatabase("/usr/lib/postgresql/15/bin/postgres\0-D\0/var/lib/postgresql/15/main\0"),
    ).toBeNull();
  });

  it("divides the nanoseconds between two samples by the requests, each side apart", () => {
    const before = { server: 1_000_000_000, postgres: 500_000_000 };
    const after = { server: 3_000_000_000, postgres: 1_500_000_000 };
    // 2 s of server and 1 s of PostgreSQL over 1,000 requests.
    expect(cpuPerRequest(before, after, 1_000)).toEqual({ serverUs: 2_000, postgresUs: 1_000 });
    expect(cpuPerRequest(before, after, 0)).toBeNull();
    expect(cpuPerRequest(null, after, 10)).toBeNull();
  });

  it.runIf(process.platform === "linux")("samples the CPU of a process group from /proc", () => {
    const own = parseStat(fs.readFileSync("/proc/self/stat", "utf8"));
    expect(own).not.toBeNull();
    const first = sampleCpu(own?.group);
    let spin = 0;
    for (let i = 0; i < 2_000_000; i += 1) spin += i % 7;
    const second = sampleCpu(own?.group);
    expect(spin).toBeGreaterThan(0);
    expect(first?.server).toBeGreaterThan(0);
    expect(second?.server).toBeGreaterThan(first?.server ?? 0);
    expect(sampleCpu(undefined)).toBeNull();
  });
});
