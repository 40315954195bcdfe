// The real process: started as `npm start` starts it (the server bundle, PGlite under DATA_DIR), it prints the
// demo credentials once, serves /readyz, lets the printed admin log in, and on SIGTERM drains
// in-flight requests and exits 0, releasing its data directory.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { buildServerIfStale, serverBundle } from "../scripts/build-server.mjs";
import { freePort } from "./faults/support/processes.js";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-process-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
// What `npm start` runs: so the bundle's paths (migrations, web app) are what is tested here.
beforeAll(() => buildServerIfStale(), 60_000);

function startServer(port: number): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, [serverBundle], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "development",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      // Info: the request log tells the test when a request has arrived, and when draining began.
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

/** Waits until `check` passes; fails at once, with what the server printed, if it exits first. */
async function waitFor(
  check: () => Promise<boolean>,
  server: { child: ChildProcess; output: () => string },
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) {
      throw new Error(
        `the server exited (${server.child.exitCode}) before it was ready:\n${server.output()}`,
      );
    }
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server was not ready after ${timeoutMs} ms:\n${server.output().slice(-3000)}`);
}

/** The exit code once the server exits; fails, with what it printed, if it has not within 30 s. */
function exited(server: { child: ChildProcess; output: () => string }): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not exit within 30 s:\n${server.output().slice(-3000)}`)),
      30_000,
    );
    server.child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe("the server bundle npm start runs", () => {
  it("is rebuilt when a server source is newer than it, and only then", () => {
    buildServerIfStale();
    const builtAt = fs.statSync(serverBundle).mtimeMs;
    buildServerIfStale();
    expect(fs.statSync(serverBundle).mtimeMs).toBe(builtAt);
    const source = path.join(root, "server", "clock.ts");
    const original = fs.statSync(source);
    try {
      fs.utimesSync(source, original.atime, new Date(builtAt + 2_000));
      buildServerIfStale();
      expect(fs.statSync(serverBundle).mtimeMs).toBeGreaterThan(builtAt);
    } finally {
      fs.utimesSync(source, original.atime, original.mtime);
    }
  }, 60_000);
});

describe("the server process", () => {
  it("prints the demo admin once, lets it log in, and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = startServer(port);
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, server, 90_000);

    const line = server
      .output()
      .split("\n")
      .find((l) => l.includes("admin@demo-merchant.example"));
    expect(line).toBeDefined();
    const password = line!.trim().split(/\s+/).at(-1)!;
    expect(password.length).toBeGreaterThanOrEqual(12);

    const login = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@demo-merchant.example", password }),
    });
    expect(login.status).toBe(200);
    const me = await login.json();
    expect(me.memberships[0]).toMatchObject({ companyName: "Demo Merchant Ltd", status: "active" });

    // A request still running when SIGTERM arrives is answered before the process exits: its body's
    // last byte is held back until the server has logged both its arrival and the start of draining.
    const occurrences = (text: string) => server.output().split(text).length - 1;
    const arrivalsBefore = occurrences('"msg":"incoming request"');
    const body = JSON.stringify({
      email: "admin@demo-merchant.example",
      password: "wrong password, slow hash",
    });
    let heldRequest: http.ClientRequest | undefined;
    const inFlight = new Promise<number>((resolve, reject) => {
      const request = http.request(
        `${base}/api/auth/login`,
        {
          method: "POST",
          agent: false,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on("end", () => resolve(response.statusCode ?? 0));
        },
      );
      request.on("error", reject);
      request.write(body.slice(0, -1));
      heldRequest = request;
    });
    await waitFor(async () => occurrences('"msg":"incoming request"') > arrivalsBefore, server, 30_000);
    const exit = exited(server);
    server.child.kill("SIGTERM");
    await waitFor(async () => occurrences("shutting down: draining requests") === 1, server, 30_000);
    heldRequest!.end(body.slice(-1));
    expect(await inFlight).toBe(401);
    expect(await exit, server.output().slice(-2000)).toBe(0);
    expect(fs.existsSync(path.join(dataDir, "portal.lock"))).toBe(false);
    // The password is never written into the log lines, only the one-time console notice.
    expect(server.output().split(password).length - 1).toBe(1);

    // A second start keeps the data and does not seed (or print passwords) again.
    const again = startServer(port);
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, again, 90_000);
    expect(again.output()).not.toContain("Demo company created");
    const secondExit = exited(again);
    again.child.kill("SIGTERM");
    expect(await secondExit).toBe(0);
  }, 240_000);
});
