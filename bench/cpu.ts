// CPU time per request of the server under test and of PostgreSQL, read from /proc around each
// measured run: where a scenario's time goes (the server's JavaScript or the database) and how far
// it is from B1's in the same run. When this shared machine's host slows, a request takes more
// CPU time as well, so it is no steadier than req/s. Linux only: null elsewhere.
import { execFileSync } from "node:child_process";
import fs from "node:fs";

export type CpuTicks = { server: number; postgres: number };

/** Microseconds of CPU per request, each side apart. */
export type CpuCost = { serverUs: number; postgresUs: number };

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

type ProcessStat = { comm: string; group: number; ticks: number };

// /proc/<pid>/stat: "pid (comm) state ppid pgrp ... utime stime ..." (fields 14 and 15 are the times).
export function parseStat(text: string): ProcessStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const fields = text.slice(close + 2).split(" ");
  const group = Number(fields[2]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(group) || !Number.isFinite(ticks)) return null;
  return { comm: text.slice(open + 1, close), group, ticks };
}

/**
 * CPU ticks used so far by every process of the server's process group (the bench starts each
 * server as the leader of its own group) and by every PostgreSQL process (all of the server's
 * backends: other work on the same server counts too). Null when /proc cannot be read.
 */
export function sampleCpu(serverGroup: number | undefined): CpuTicks | null {
  if (serverGroup === undefined) return null;
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return null;
  }
  const sample = { server: 0, postgres: 0 };
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: ProcessStat | null;
    try {
      stat = parseStat(fs.readFileSync(`/proc/${entry}/stat`, "utf8"));
    } catch {
      continue; // it exited meanwhile
    }
    if (!stat) continue;
    if (stat.group === serverGroup) sample.server += stat.ticks;
    else if (stat.comm === "postgres") sample.postgres += stat.ticks;
  }
  return sample;
}

/** The CPU per request between two samples; null without both, or without requests. */
export function cpuPerRequest(
  before: CpuTicks | null,
  after: CpuTicks | null,
  requests: number,
): CpuCost | null {
  if (!before || !after || requests <= 0) return null;
  const perRequest = (ticks: number) => (Math.max(0, ticks) * 1e6) / clockTicks() / requests;
  return {
    serverUs: perRequest(after.server - before.server),
    postgresUs: perRequest(after.postgres - before.postgres),
  };
}
