// The built web app: its files, and index.html for every other non-API path (the single-page
// app routes them); anything else is the API's 404.
import fs from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { AppError } from "../errors.js";
import { METRICS_PATH } from "./metrics.js";

export const webPlugin = fp(
  async (app: FastifyInstance, { webDist }: { webDist: string }) => {
    const hasWeb = fs.existsSync(path.join(webDist, "index.html"));
    if (hasWeb) {
      await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false, maxAge: "1h" });
    }
    app.setNotFoundHandler(async (request, reply) => {
      const wantsPage =
        request.method === "GET" &&
        !request.url.startsWith("/api") &&
        !request.url.startsWith(METRICS_PATH) &&
        hasWeb;
      if (wantsPage) {
        // Never cached, so a deploy shows at once.
        return reply.header("cache-control", "no-store").sendFile("index.html");
      }
      throw new AppError("not_found");
    });
  },
  { name: "web" },
);
