// The servers under test run as child processes, so their CPU is theirs and not the load
// generator's. Every child started here is stopped on exit, on Ctrl-C and on errors.
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error: a plain ES module script shared with `npm start`
import { buildServerIfStale, serverBundle } from "../scripts/build-server.mjs";

/** A fixed 32-byte key for the portal under test, which production mode requires. */
export const BENCH_MFA_SECRET_KEY = "62656e63682d6d66612d7365637265742d6b65792d6f662d33322d6279746573";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export type Child = {
  name: string;
  process: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  stop: () => Promise<void>;
};

const running = new Set<Child>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Each child leads its own process group (detached), so `npm start`'s grandchildren go too.
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

process.on("exit", () => {
  for (const child of running) killGroup(child.process, "SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const child of running) killGroup(child.process, "SIGKILL");
    process.exit(130);
  });
}

/** Starts a command in its own process group; resolves once `isReady` says so (bounded by timeoutMs). */
export async function startChild(
  name: string,
  command: string,
  args: string[],
  options: {
    env: NodeJS.ProcessEnv;
    /** The working directory; the project's root when absent. */
    cwd?: string;
    isReady: (output: string) => boolean | Promise<boolean>;
    timeoutMs: number;
  },
): Promise<Child> {
  const proc = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    detached: true,
    stdio: "pipe",
  });
  let output = "";
  proc.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  proc.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const child: Child = {
    name,
    process: proc,
    output: () => output,
    stop: async () => {
      running.delete(child);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
      killGroup(proc, "SIGTERM");
      const timer = setTimeout(() => killGroup(proc, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(child);
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) {
      running.delete(child);
      throw new Error(`${name} exited with ${proc.exitCode} before it was ready:\n${output.slice(-2000)}`);
    }
    if (await options.isReady(output)) return child;
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`${name} was not ready after ${options.timeoutMs} ms:\n${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** True once GET url answers 200. */
export async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Resident set size of a process in bytes (Linux), or 0 when it cannot be read. */
export async function residentBytes(pid: number): Promise<number> {
  const fs = await import("node:fs/promises");
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A TCP port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/**
 * A TypeScript entry point run by Node through tsx, in production mode, ready once `ready` says so:
 * a URL that answers 200, or a test of what it printed.
 */
export function tsxChild(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: string | ((output: string) => boolean),
) {
  return startChild(name, process.execPath, ["--import", "tsx", script, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", ...env },
    isReady: typeof ready === "string" ? () => answers200(ready) : ready,
    timeoutMs: 120_000,
  });
}

/**
 * The environment of a portal the bench measures: production mode, warnings only, no demo data,
 * and its mail server (`smtpUrl`).
 */
export function portalEnv(options: {
  port: number;
  smtpUrl: string;
  baseUrl: string;
  databaseUrl: string;
}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    PORT: String(options.port),
    HOST: "127.0.0.1",
    DATABASE_URL: options.databaseUrl,
    PUBLIC_URL: options.baseUrl,
    // Production requires a key that seals TOTP secrets; the bench's data has none to open.
    MFA_SECRET_KEY: BENCH_MFA_SECRET_KEY,
    SMTP_URL: options.smtpUrl,
    LOG_LEVEL: "warn",
    SEED_DEMO: "false",
  };
}

/**
 * A mail server that takes every message and keeps none (bench/mail-sink.ts), in a process of its
 * own so that its CPU is neither the portal's nor the load generator's.
 */
export async function startMailSink(): Promise<Child & { url: string }> {
  const port = await freePort();
  const child = await tsxChild("mail sink", "bench/mail-sink.ts", [String(port)], {}, (output) =>
    output.includes("ready"),
  );
  return Object.assign(child, { url: `smtp://127.0.0.1:${port}` });
}

/**
 * The portal on PostgreSQL as the bench measures it: production mode, warnings only, no demo data,
 * and a mail server that accepts its mail (startMailSink), stopped with it.
 */
export async function startPortal(databaseUrl: string): Promise<Child & { baseUrl: string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // What `npm start` runs in production: the server bundle (built here if its sources changed).
  buildServerIfStale();
  const sink = await startMailSink();
  try {
    const child = await startChild("portal", process.execPath, [serverBundle], {
      env: portalEnv({ port, smtpUrl: sink.url, baseUrl, databaseUrl }),
      isReady: () => answers200(`${baseUrl}/readyz`),
      timeoutMs: 120_000,
    });
    const stopPortal = child.stop;
    return Object.assign(child, {
      baseUrl,
      stop: async () => {
        await stopPortal();
        await sink.stop();
      },
    });
  } catch (error) {
    await sink.stop();
    throw error;
  }
}
