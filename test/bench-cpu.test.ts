// The bench's CPU-per-request figures (bench/cpu.ts) read /proc: a process name may hold spaces and
// parentheses, a backend's title names its database, and the samples are nanoseconds.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { backendDatabase, cpuPerRequest, type ProcessTimes, parseStat, sampleCpu } from "../bench/cpu.js";

const totalOf = (times: ProcessTimes = new Map()) =>
  [...times.values()].reduce((sum, nanos) => sum + nanos, 0);

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
    const before = { server: new Map([[10, 1_000_000_000]]), postgres: new Map([[20, 500_000_000]]) };
    const after = { server: new Map([[10, 3_000_000_000]]), postgres: new Map([[20, 1_500_000_000]]) };
    // 2 s of server and 1 s of PostgreSQL over 1,000 requests.
    expect(cpuPerRequest(before, after, 1_000)).toEqual({ serverUs: 2_000, postgresUs: 1_000 });
    expect(cpuPerRequest(before, after, 0)).toBeNull();
    expect(cpuPerRequest(null, after, 10)).toBeNull();
  });

  it("counts a backend that started during the run, and no ended backend's life against the others", () => {
    // Backend 21 (a pool's idle connection, 4 s of CPU in its life) ends during the run; 22 starts.
    const before = {
      server: new Map([[10, 0]]),
      postgres: new Map([
        [20, 1e9],
        [21, 4e9],
      ]),
    };
    const after = {
      server: new Map([[10, 1e9]]),
      postgres: new Map([
        [20, 2e9],
        [22, 0.5e9],
      ]),
    };
    // PostgreSQL: 1 s from 20 and 0.5 s from 22 over 1,000 requests; a sum of all would read -2.5 s.
    expect(cpuPerRequest(before, after, 1_000)).toEqual({ serverUs: 1_000, postgresUs: 1_500 });
  });

  it.runIf(process.platform === "linux")("samples the CPU of a process group from /proc", () => {
    const own = parseStat(fs.readFileSync("/proc/self/stat", "utf8"));
    expect(own).not.toBeNull();
    const first = sampleCpu(own?.group);
    let spin = 0;
    for (let i = 0; i < 2_000_000; i += 1) spin += i % 7;
    const second = sampleCpu(own?.group);
    expect(spin).toBeGreaterThan(0);
    expect(totalOf(first?.server)).toBeGreaterThan(0);
    expect(totalOf(second?.server)).toBeGreaterThan(totalOf(first?.server));
    expect(sampleCpu(undefined)).toBeNull();
  });
});
