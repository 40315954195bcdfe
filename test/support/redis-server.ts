// A redis-server of a test's own on a free loopback port, which the test may kill and start again on
// the same port: outages are rehearsed without touching the machine's shared Redis.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { freePort, waitFor } from "../faults/support/processes.js";

export function hasRedisServer(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export type OwnRedis = {
  port: number;
  url: string;
  /** Starts redis-server on the port and waits until it answers PING. */
  start(): Promise<void>;
  /** Kills it (SIGKILL: a crash, nothing saved) and waits until the process is gone. */
  kill(): Promise<void>;
};

async function answersPing(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } finally {
    probe.disconnect();
  }
}

/** A port nothing listens on yet; call start() to run redis-server there. */
export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  return {
    port,
    url,
    async start() {
      const server = spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        { stdio: "ignore" },
      );
      child = server;
      exited = new Promise((resolve) => server.once("exit", () => resolve()));
      await waitFor(`redis-server on port ${port}`, () => answersPing(url), 15_000);
    },
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
      child = null;
    },
  };
}
