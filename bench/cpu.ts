// CPU time per request of the server under test and of PostgreSQL, read from /proc around each
// measured run: where a scenario's time goes (the server's JavaScript or the database) and how far
// it is from B1's in the same run. When this shared machine's host slows, a request takes more
// CPU time as well, so it is no steadier than req/s. Linux only: null elsewhere.
import { execFileSync } from "node:child_process";
import fs from "node:fs";

/** Nanoseconds of CPU used so far by each process, by process id. */
export type ProcessTimes = Map<number, number>;

/** Nanoseconds of CPU used so far by each process of the server under test and of PostgreSQL. */
export type CpuSample = { server: ProcessTimes; postgres: ProcessTimes };

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
 * A process's CPU time in nanoseconds: the sum of its threads' time on a CPU (schedstat's first
 * field). /proc/<pid>/stat counts whole clock ticks per process, and summed over fifty backends
 * its rounding alone would move a run's figure by several percent; it is the fallback.
 */
function processNanos(pid: string, ticks: number): number {
  try {
    let total = 0;
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      total += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    }
    if (Number.isFinite(total)) return total;
  } catch {
    // no schedstat (or the process exited meanwhile): its ticks
  }
  return (ticks * 1e9) / clockTicks();
}

// A backend's title in /proc/<pid>/cmdline: "postgres: [cluster: ]user database host(port) state"
// ("[local]" for a Unix socket); background processes ("postgres: checkpointer") have no client.
const BACKEND_TITLE = /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\]) /;

/** The database a PostgreSQL backend serves, read from its process title; null for other processes. */
export function backendDatabase(cmdline: string): string | null {
  return BACKEND_TITLE.exec(cmdline.replaceAll("\0", " "))?.[1] ?? null;
}

function servesDatabase(pid: string, database: string): boolean {
  try {
    return backendDatabase(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8")) === database;
  } catch {
    return false;
  }
}

/**
 * CPU time used so far by every process of the server's process group (the bench starts each
 * server as the leader of its own group) and by PostgreSQL: the backends of `database` when it is
 * given (other databases on the same server, such as test runs, do not count), else every
 * PostgreSQL process. Null when /proc cannot be read.
 */
export function sampleCpu(serverGroup: number | undefined, database?: string): CpuSample | null {
  if (serverGroup === undefined) return null;
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return null;
  }
  const sample: CpuSample = { server: new Map(), postgres: new Map() };
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: ProcessStat | null;
    try {
      stat = parseStat(fs.readFileSync(`/proc/${entry}/stat`, "utf8"));
    } catch {
      continue; // it exited meanwhile
    }
    if (!stat) continue;
    if (stat.group === serverGroup) sample.server.set(Number(entry), processNanos(entry, stat.ticks));
    else if (stat.comm === "postgres" && (database === undefined || servesDatabase(entry, database)))
      sample.postgres.set(Number(entry), processNanos(entry, stat.ticks));
  }
  return sample;
}

/** Nanoseconds of CPU the processes alive in `after` used since `before`. */
export function usedBetween(before: ProcessTimes, after: ProcessTimes): number {
  let used = 0;
  // A process that started in between used all it shows. One that ended in between (a pool closing
  // an idle connection) is left out, rather than taking its whole life off the others' time.
  for (const [pid, nanos] of after) used += Math.max(0, nanos - (before.get(pid) ?? 0));
  return used;
}

/** The CPU per request between two samples; null without both, or without requests. */
export function cpuPerRequest(
  before: CpuSample | null,
  after: CpuSample | null,
  requests: number,
): CpuCost | null {
  if (!before || !after || requests <= 0) return null;
  const perRequest = (nanos: number) => nanos / 1000 / requests;
  return {
    serverUs: perRequest(usedBetween(before.server, after.server)),
    postgresUs: perRequest(usedBetween(before.postgres, after.postgres)),
  };
}
