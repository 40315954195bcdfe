// GET /api/dev/outbox: the embedded mailbox, newest first. Registered only outside production,
// so in production the path does not exist (404); elsewhere it exists for loopback peers only.
import { BlockList, isIP } from "node:net";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { Database } from "../db/connect.js";
import { AppError } from "../errors.js";
import { DateTime, errorResponses } from "../http/schemas.js";
import { canonicalizeEmail } from "../identity/email.js";
import { listOutbox } from "./queries.js";

const OutboxItem = Type.Object({
  id: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  html: Type.String(),
  status: Type.String(),
  createdAt: DateTime,
});

// 127.0.0.0/8 and ::1; BlockList also matches the IPv4-mapped form (::ffff:127.0.0.1).
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

export function isLoopbackAddress(address: string | undefined): boolean {
  const family = address ? isIP(address) : 0;
  return family !== 0 && LOOPBACK.check(address as string, family === 4 ? "ipv4" : "ipv6");
}

export const devOutboxRoutes: FastifyPluginAsyncTypebox<{ database: Database }> = async (
  app,
  { database },
) => {
  app.get(
    "/api/dev/outbox",
    {
      // Development only: the embedded mailbox stands in for a real inbox.
      config: { access: { kind: "public" } },
      // The mailbox holds reset links and invitation tokens: another machine gets the 404 of an
      // absent path, before its query is even read. The socket's peer, never request.ip, which
      // X-Forwarded-For sets when TRUST_PROXY is on.
      onRequest: async (request) => {
        if (!isLoopbackAddress(request.raw.socket.remoteAddress)) throw new AppError("not_found");
      },
      schema: {
        summary: "Development mailbox (absent in production; answers loopback peers only)",
        tags: ["dev"],
        querystring: Type.Object(
          {
            to: Type.Optional(Type.String({ maxLength: 320 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(OutboxItem) }), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      let toAddress: string | undefined;
      if (request.query.to) {
        const to = canonicalizeEmail(request.query.to);
        if (!to.ok) throw new AppError("validation_failed", to.reason, { field: "to" });
        toAddress = to.email;
      }
      const rows = await listOutbox(database.db, request.query.limit ?? 50, toAddress);
      return {
        items: rows.map((row) => ({
          id: row.id,
          to: row.to_address,
          subject: row.subject,
          text: row.text_body,
          html: row.html_body,
          status: row.status,
          createdAt: row.created_at.toISOString(),
        })),
      };
    },
  );
};
