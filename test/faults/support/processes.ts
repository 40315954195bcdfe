// Real server processes (`node --import tsx server/main.ts`: the code `npm start` bundles; the
// bundle itself is started by test/server-process.test.ts) and a throwaway
// PostgreSQL cluster that may be stopped and restarted without touching the machine's shared one.
// Everything listens on 127.0.0.1; every process started here is stopped by stopAll().
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Database } from "../../../server/db/connect.js";
import { elevateSession } from "../../support/elevation.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const started = new Set<ChildProcess>();

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls check until it is true; an error thrown by check counts as "not yet" unless failFast. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  options: { failFast?: boolean } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let done = false;
    try {
      done = await check();
    } catch (error) {
      if (options.failFast && /process died/.test((error as Error).message)) throw error;
    }
    if (done) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export type ServerProcess = {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  exited: Promise<number | null>;
  isRunning(): boolean;
};

/** Starts the server as production starts it and waits until /readyz answers 200. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/main.ts")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      LOG_LEVEL: "warn",
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.add(child);
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running = false;
      started.delete(child);
      resolve(code);
    }),
  );
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const server = { child, port, url, output: () => output, exited, isRunning: () => running };
  try {
    await waitFor(
      "the server to be ready",
      async () => {
        if (!running) throw new Error(`the server exited:\n${output.slice(-2000)}`);
        return (await fetch(`${url}/readyz`)).status === 200;
      },
      60_000,
    );
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${output.slice(-2000)}`);
  }
  return server;
}

/** Kills every process these helpers started that still runs (for afterAll). */
export async function stopAll(): Promise<void> {
  const waits = [...started].map(
    (child) =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  );
  await Promise.all(waits);
}

/** A minimal HTTP client holding one session cookie (the production cookie is __Host-portal_session). */
export class Session {
  cookie: string | null = null;
  constructor(
    public baseUrl: string,
    readonly cookieName = "__Host-portal_session",
  ) {}

  async request(method: string, urlPath: string, json?: unknown) {
    const response = await fetch(`${this.baseUrl}${urlPath}`, {
      method,
      headers: {
        ...(json !== undefined ? { "content-type": "application/json" } : {}),
        ...(this.cookie ? { cookie: `${this.cookieName}=${this.cookie}` } : {}),
      },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const [name, value = ""] = pair.split("=");
      if (name === this.cookieName) this.cookie = value === "" ? null : value;
    }
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    // biome-ignore lint/suspicious/noExplicitAny: bodies are checked field by field in the tests
    return { status: response.status, headers: response.headers, text, body: body as any };
  }

  /** The same session on another instance. */
  on(baseUrl: string): Session {
    const other = new Session(baseUrl, this.cookieName);
    other.cookie = this.cookie;
    return other;
  }
}

/** Marks a session verified by email now, straight in the database (the flow is tested elsewhere). */
export async function elevate(database: Database, session: Session): Promise<void> {
  await elevateSession(database.db, session.cookie!, new Date(Date.now() + 10 * 60_000));
}

// ---- a throwaway PostgreSQL cluster ------------------------------------------------------------

export function postgresBinDir(): string | null {
  const base = "/usr/lib/postgresql";
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((version) => fs.existsSync(path.join(base, version, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], "bin") : null;
}

/** Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses to run as root). */
function asPostgres(binary: string, args: string[]): string {
  const isRoot = process.getuid?.() === 0;
  const [command, commandArgs] = isRoot
    ? ["runuser", ["-u", "postgres", "--", binary, ...args]]
    : [binary, args];
  return execFileSync(command, commandArgs, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
}

export type ThrowawayPostgres = {
  port: number;
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
};

/** initdb into a temporary directory and start a cluster of our own on a free port. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("no PostgreSQL binaries under /usr/lib/postgresql");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-faults-pg-"));
  const data = path.join(dir, "data");
  fs.mkdirSync(data);
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  asPostgres(path.join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const port = await freePort();
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgCtl = (args: string[]) => asPostgres(path.join(bin, "pg_ctl"), ["-D", data, ...args]);
  const cluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start() {
      pgCtl(["-o", options, "-l", path.join(dir, "log"), "-w", "-t", "30", "start"]);
    },
    stop() {
      pgCtl(["-m", "fast", "-w", "-t", "30", "stop"]);
    },
    destroy() {
      try {
        pgCtl(["-m", "immediate", "-w", "-t", "30", "stop"]);
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
