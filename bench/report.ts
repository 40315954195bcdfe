// The bench's output: one table (printed, written to bench/results/latest.json, and copied into
// README.md between the bench markers), the machine it ran on, and the targets checked against it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { CpuCost } from "./cpu.js";
import { type PairedRatio, pairedLines } from "./paired.js";
import { ROOT } from "./processes.js";

export type Row = {
  id: string;
  scenario: string;
  rps: number | null;
  p50: number | null;
  p99: number | null;
  /** Free text for figures that are not req/s (rows/s, seconds, MB). */
  note: string;
  /** (max - min) / median req/s over the measured runs. */
  spread?: number;
  unexpected?: number;
  /** CPU per request of the server under test and of PostgreSQL (bench/cpu.ts). */
  cpu?: CpuCost | null;
};

export type Target = { id: string; description: string; actual: number; limit: number; pass: boolean };

export type Report = {
  startedAt: string;
  durationSeconds: number;
  mode: "full" | "quick";
  plan: { connections: number; warmupSeconds: number; runs: number; runSeconds: number };
  machine: Record<string, string>;
  seed: { reused: boolean; seconds: number; seededAt: string };
  rows: Row[];
  /** The ratio targets' pairs from alternating runs (bench/paired.ts); absent in older results. */
  paired?: PairedRatio[];
  targets: Target[];
  warnings: string[];
};

/**
 * The PostgreSQL server's version, asked of its maintenance database `postgres`: the bench's own
 * database may not exist yet when this runs (the seed creates it). "unknown" when it cannot answer.
 */
export async function postgresVersion(databaseUrl: string): Promise<string> {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>("SHOW server_version");
    return result.rows[0]?.server_version ?? "unknown";
  } catch {
    return "unknown";
  } finally {
    await client.end().catch(() => {});
  }
}

export async function machineInfo(databaseUrl: string): Promise<Record<string, string>> {
  const cpuModel = /model name\s*:\s*(.+)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown";
  const postgres = await postgresVersion(databaseUrl);
  return {
    cpus: String(os.availableParallelism()),
    cpuModel: cpuModel.trim(),
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    postgres,
    os: `${os.type()} ${os.release()}`,
  };
}

const fixed = (value: number | null, digits: number) => (value === null ? "" : value.toFixed(digits));

/** CPU per request as "server + PostgreSQL" microseconds ("" when not measured). */
export function cpuText(cpu: CpuCost | null | undefined): string {
  return cpu ? `${Math.round(cpu.serverUs)} + ${Math.round(cpu.postgresUs)}` : "";
}

/**
 * The table as Markdown: req/s, p50, p99, the ratios to B1 and to P1 of the same run, and the CPU
 * each request cost the server and PostgreSQL.
 */
export function table(report: Report): string {
  const b1 = report.rows.find((r) => r.id === "B1")?.rps ?? null;
  const p1 = report.rows.find((r) => r.id === "P1")?.rps ?? null;
  const lines = [
    "| | scenario | req/s | p50 ms | p99 ms | × B1 | × P1 | CPU µs/req (server + PostgreSQL) | notes |",
    "|---|---|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const row of report.rows) {
    const ratio = (base: number | null) => (row.rps !== null && base ? (row.rps / base).toFixed(2) : "");
    lines.push(
      `| ${row.id} | ${row.scenario} | ${row.rps === null ? "" : Math.round(row.rps)} | ${fixed(row.p50, 1)} | ${fixed(row.p99, 1)} | ${ratio(b1)} | ${ratio(p1)} | ${cpuText(row.cpu)} | ${row.note} |`,
    );
  }
  return lines.join("\n");
}

export function targetLines(report: Pick<Report, "targets">): string {
  return report.targets
    .map(
      (t) =>
        `- ${t.pass ? "pass" : "**FAIL**"} ${t.id}: ${t.description} (${t.actual.toFixed(2)} vs ${t.limit.toFixed(2)})`,
    )
    .join("\n");
}

export function machineLine(report: Report): string {
  const m = report.machine;
  return `${m.cpus} CPUs (${m.cpuModel}), ${m.memory} RAM, Node ${m.node}, PostgreSQL ${m.postgres}, ${m.os}`;
}

export function writeResults(report: object, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`);
  fs.renameSync(temporary, file);
}

const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

/** Rewrites README.md's block between the bench markers from a results file; nothing else. */
export function updateReadme(report: Report, readme = path.join(ROOT, "README.md")): boolean {
  const text = fs.readFileSync(readme, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end === -1 || end < start) return false;
  const block = [
    START,
    `Last full run: ${report.startedAt.slice(0, 16).replace("T", " ")} UTC, ${report.durationSeconds} s in all, on ${machineLine(report)}.`,
    `autocannon, ${report.plan.connections} connections, ${report.plan.warmupSeconds} s warm-up, median of ${report.plan.runs} runs of ${report.plan.runSeconds} s; server, database and load generator on this one machine. Written by \`npm run bench\` from \`bench/results/latest.json\`.`,
    "",
    table(report),
    "",
    ...(report.paired && report.paired.length > 0
      ? [
          "Ratios from alternating runs (the ratio targets read these): each round one run of the first, then one of the second, and the median of the rounds' ratios:",
          "",
          ...pairedLines(report.paired),
          "",
        ]
      : []),
    "Targets (`npm run bench -- --check`; a ratio target prints the ratio and its factor):",
    "",
    targetLines(report),
    ...(report.warnings.length > 0 ? ["", "Warnings:", "", ...report.warnings.map((w) => `- ${w}`)] : []),
    END,
  ].join("\n");
  fs.writeFileSync(readme, text.slice(0, start) + block + text.slice(end + END.length));
  return true;
}
