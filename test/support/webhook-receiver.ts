// A real HTTP receiver of webhooks on loopback for the tests, and the signature check a merchant's
// receiver would make (the README's and the Developer Center's snippet, in TypeScript).
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedWebhook = {
  body: string;
  payload: { id: string; type: string; createdAt: string; companyId: string; data: Record<string, unknown> };
  signature: string;
  headers: http.IncomingHttpHeaders;
};

/** Does `header` carry a v1 signature of `body` by one of `secrets`, made within 5 minutes of `now`? */
export function verifyPortalSignature(
  header: string,
  body: string,
  secrets: readonly string[],
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = header.split(",").map((part) => part.split("=", 2) as [string, string]);
  const timestamp = Number(parts.find(([key]) => key === "t")?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = secrets.map((secret) =>
    createHmac("sha256", secret).update(`${timestamp}.${body}`).digest(),
  );
  return parts
    .filter(([key]) => key === "v1")
    .some(([, value]) => {
      const given = Buffer.from(value ?? "", "hex");
      return expected.some((wanted) => wanted.length === given.length && timingSafeEqual(wanted, given));
    });
}

/** The v1 signatures of a header. */
export function v1Signatures(header: string): string[] {
  return header
    .split(",")
    .filter((part) => part.startsWith("v1="))
    .map((part) => part.slice(3));
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/**
 * Listens on 127.0.0.1 (on `port` when given) and answers each POST with the next status of
 * `statuses` (200 once they run out); every request is recorded, whatever it was answered.
 */
export async function startReceiver(
  options: { port?: number; statuses?: number[]; answer?: string; delayMs?: number } = {},
) {
  const received: ReceivedWebhook[] = [];
  const statuses = [...(options.statuses ?? [])];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({
        body,
        payload: JSON.parse(body),
        signature: String(request.headers["portal-signature"] ?? ""),
        headers: request.headers,
      });
      response.statusCode = statuses.shift() ?? 200;
      if (options.delayMs) setTimeout(() => response.end(options.answer ?? "ok"), options.delayMs);
      else response.end(options.answer ?? "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** The next answers' statuses. */
    answerWith(...next: number[]) {
      statuses.push(...next);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
