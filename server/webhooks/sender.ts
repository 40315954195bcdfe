// One webhook POST (SPEC §6.5): through the guarded lookup, no redirect followed (a 3xx is a
// failure), 10 s for the whole exchange, and at most 1 KB of the answer read, then the socket closed.
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { guardedLookup, type HostResolver, refuseBlocked } from "./address-guard.js";

export const DELIVERY_TIMEOUT_MS = 10_000;
export const MAX_ANSWER_BYTES = 1024;

export type SendResult = {
  /** The answer's status, or null when none came (refused, unreachable, timed out). */
  statusCode: number | null;
  /** The first bytes of the answer (at most 1 KB), as text. */
  excerpt: string;
  error: string | null;
  durationMs: number;
};

export type Sender = (request: {
  url: string;
  body: string;
  headers: Record<string, string>;
}) => Promise<SendResult>;

/** A sender resolving with `resolve`; `guard` (production) refuses private and metadata addresses. */
export function webhookSender(options: { resolve: HostResolver; guard: boolean }): Sender {
  const lookup = guardedLookup(options.resolve, options.guard);
  // No keep-alive: every delivery resolves and checks its address afresh.
  const agents = {
    "http:": new http.Agent({ keepAlive: false, lookup }),
    "https:": new https.Agent({ keepAlive: false, lookup }),
  };
  return ({ url, body, headers }) =>
    new Promise<SendResult>((resolve) => {
      const started = performance.now();
      let settled = false;
      const finish = (result: Omit<SendResult, "durationMs">) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request?.destroy();
        resolve({ ...result, durationMs: Math.round(performance.now() - started) });
      };
      const fail = (error: Error) => finish({ statusCode: null, excerpt: "", error: describe(error) });
      let request: http.ClientRequest | undefined;
      const timer = setTimeout(
        () => fail(new Error(`no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`)),
        DELIVERY_TIMEOUT_MS,
      );
      try {
        const target = new URL(url);
        const agent = agents[target.protocol as "http:" | "https:"];
        if (!agent) throw new Error(`unsupported scheme ${target.protocol}`);
        // An IP literal skips the socket's lookup, so it is checked here.
        const bare = target.hostname.replace(/^\[|\]$/g, "");
        if (isIP(bare)) refuseBlocked(bare, [bare], options.guard);
        const send = target.protocol === "https:" ? https.request : http.request;
        request = send(target, {
          method: "POST",
          agent,
          headers: {
            ...headers,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        });
        request.on("error", fail);
        request.on("response", (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const done = () =>
            finish({
              statusCode: response.statusCode ?? null,
              excerpt: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString("utf8"),
              error: null,
            });
          response.on("data", (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= MAX_ANSWER_BYTES) done();
          });
          response.on("end", done);
          response.on("error", done);
        });
        request.end(body);
      } catch (error) {
        fail(error as Error);
      }
    });
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message).slice(0, 500);
}
