// The error handler's answer is a JSON refusal whatever the route had set before failing: a CSV
// download that names its file and then fails must not hand the browser the refusal as that file.
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { errorsPlugin } from "./errors-plugin.js";

describe("Issue 17 item 12: a refused export answers a JSON error, never an attachment", () => {
  it("drops a Content-Disposition the route set before it failed", async () => {
    const app = Fastify();
    await app.register(errorsPlugin);
    app.get("/export", async (_request, reply) => {
      reply.header("content-disposition", 'attachment; filename="transactions.csv"');
      throw new AppError("forbidden");
    });
    const response = await app.inject({ url: "/export" });
    expect(response.statusCode).toBe(403);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(response.headers["content-disposition"]).toBeUndefined();
    expect(response.json().error.code).toBe("forbidden");
    await app.close();
  });
});
