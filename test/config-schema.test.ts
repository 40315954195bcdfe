// Issue 20 item 7: the configuration is one TypeBox schema of the environment (types, defaults,
// ranges, allowed values), and the README's table of variables stays true to it.
import fs from "node:fs";
import path from "node:path";
import { Value } from "@sinclair/typebox/value";
import { describe, expect, it } from "vitest";
import { ConfigError, EnvironmentSchema, loadConfig } from "../server/config.js";

const README = fs.readFileSync(path.resolve(import.meta.dirname, "../README.md"), "utf8");

/** The README's configuration table: each row's variables with the default given for each. */
function documentedDefaults(): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const [, names = "", cell = ""] of README.matchAll(
    /^\| (`[A-Z_]+`(?: \/ `[A-Z_]+`)*) \| ([^|]*) \|/gm,
  )) {
    const variables = [...names.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]!);
    const cells = variables.length > 1 ? cell.split(" / ") : [cell];
    for (const [index, name] of variables.entries()) defaults.set(name, cells[index] ?? "");
  }
  return defaults;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("Issue 20 item 7: the configuration is a TypeBox schema of the environment", () => {
  it("the README's table names only variables the schema reads, each with the schema's default", () => {
    const documented = documentedDefaults();
    expect(documented.size).toBeGreaterThan(10);
    const properties: Record<string, { default?: unknown }> = EnvironmentSchema.properties;
    for (const [name, cell] of documented) {
      expect(Object.keys(properties), name).toContain(name);
      const fallback = properties[name]?.default;
      if (fallback !== undefined) expect(cell, name).toContain(`\`${String(fallback)}\``);
    }
  });

  it("applies the schema's defaults to an empty environment, and refuses what it refuses by the variable's name", () => {
    const defaults = Value.Default(EnvironmentSchema, {}) as Record<string, unknown>;
    const config = loadConfig({});
    expect(config.port).toBe(defaults.PORT);
    expect(config.demoTransactions).toBe(defaults.DEMO_TRANSACTIONS);
    expect(config.invitationTtlHours).toBe(defaults.INVITATION_TTL_HOURS);
    expect(config.mailFrom).toBe(defaults.MAIL_FROM);
    expect(config.mailRetentionDays).toBe(30);
    expect(config.webhookLogRetentionDays).toBe(30);
    for (const [name, value] of [
      ["DEMO_TRANSACTIONS", "5000001"],
      ["MAIL_FROM", "a\r\nBcc: x@example.com"],
      ["SMTP_URL", "http://mail.internal"],
      ["SEED_DEMO", "maybe"],
      ["MAIL_RETENTION_DAYS", "0"],
      ["WEBHOOK_LOG_RETENTION_DAYS", "thirty"],
    ] as const) {
      expect(problemsOf({ [name]: value }), name).toEqual([expect.stringContaining(name)]);
    }
  });
});
