// The built web app: its files, and index.html for every other non-API path (the single-page
// app routes them); anything else is the API's 404. The build writes each text file also as .br and
// .gz (web/precompress.ts), sent to browsers that accept them.
import fs from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { AppError } from "../errors.js";
import { METRICS_PATH } from "./metrics.js";

/**
 * How long a browser keeps a file of the build: the page itself never (a deploy shows at once, and
 * the page it loads names the new files), the files under assets/ for a year (the build names them
 * by their content, so a changed file is a new name), anything else an hour.
 */
export function webCacheControl(webDist: string, filePath: string): string {
  const relative = path.relative(webDist, filePath).split(path.sep);
  if (relative.length === 1 && relative[0]?.startsWith("index.html")) return "no-store";
  if (relative.length > 1 && relative[0] === "assets") return "public, max-age=31536000, immutable";
  return "public, max-age=3600";
}

export const webPlugin = fp(
  async (app: FastifyInstance, { webDist }: { webDist: string }) => {
    const hasWeb = fs.existsSync(path.join(webDist, "index.html"));
    if (hasWeb) {
      await app.register(fastifyStatic, {
        root: webDist,
        wildcard: false,
        index: false,
        preCompressed: true,
        cacheControl: false,
        setHeaders: (response, filePath) => {
          response.setHeader("cache-control", webCacheControl(webDist, filePath));
          // A cache between portal and browser keeps one copy per encoding.
          response.setHeader("vary", "accept-encoding");
        },
      });
    }
    app.setNotFoundHandler(async (request, reply) => {
      const wantsPage =
        request.method === "GET" &&
        !request.url.startsWith("/api") &&
        !request.url.startsWith(METRICS_PATH) &&
        hasWeb;
      if (wantsPage) return reply.sendFile("index.html");
      throw new AppError("not_found");
    });
  },
  { name: "web" },
);
