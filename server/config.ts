// Typed configuration, read from the environment once at start.
// Every bad value is reported together, with the variable's name and what it expects.
import { isIP } from "node:net";
import path from "node:path";

export type Config = {
  nodeEnv: "production" | "development" | "test";
  isProduction: boolean;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  publicOrigin: string;
  logLevel: string;
  trustProxy: boolean | string;
  seedDemo: boolean;
  demoTransactions: number;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** How long an invitation link works after it is (re)sent (rule 8: 7 days by default). */
  invitationTtlHours: number;
  /** GET /metrics (Prometheus) exists only when this is true. */
  metricsEnabled: boolean;
  /** When set, /metrics answers only to `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const nodeEnvRaw = env.NODE_ENV ?? "development";
  if (!["production", "development", "test"].includes(nodeEnvRaw)) {
    problems.push(`NODE_ENV must be production, development or test (got "${nodeEnvRaw}")`);
  }
  const nodeEnv = (
    ["production", "test"].includes(nodeEnvRaw) ? nodeEnvRaw : "development"
  ) as Config["nodeEnv"];
  const isProduction = nodeEnv === "production";

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === "") return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must start with ${protocols.map((p) => `${p}//`).join(" or ")}`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const port = integer("PORT", 3000, 0, 65535);
  // Outside production the development mailbox (reset links, invitation tokens, codes) is served,
  // so by default only this machine reaches the server; production listens on every interface.
  const host = env.HOST || (isProduction ? "0.0.0.0" : "127.0.0.1");
  const databaseUrl = url("DATABASE_URL", ["postgres:", "postgresql:"]);
  const redisUrl = url("REDIS_URL", ["redis:", "rediss:"]);
  const smtpUrl = url("SMTP_URL", ["smtp:", "smtps:"]);
  const publicUrlRaw = url("PUBLIC_URL", ["http:", "https:"]) ?? `http://localhost:${port}`;
  let publicOrigin = "http://localhost";
  try {
    publicOrigin = new URL(publicUrlRaw).origin;
  } catch {
    // already reported above
  }
  if (isProduction && !env.DATABASE_URL) problems.push("DATABASE_URL is required when NODE_ENV=production");
  if (isProduction && !env.PUBLIC_URL) problems.push("PUBLIC_URL is required when NODE_ENV=production");
  if (isProduction && !env.SMTP_URL)
    problems.push("SMTP_URL is required when NODE_ENV=production (mail must leave the building)");
  const mailFrom = env.MAIL_FROM || "Merchant Portal <no-reply@portal.invalid>";
  if (/[\r\n]/.test(mailFrom)) problems.push("MAIL_FROM must be one line");

  const logLevel = env.LOG_LEVEL || (nodeEnv === "test" ? "silent" : "info");
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);

  const trustProxyRaw = env.TRUST_PROXY ?? "";
  const trustProxy =
    trustProxyRaw === "" || trustProxyRaw === "false"
      ? false
      : trustProxyRaw === "true"
        ? true
        : trustProxyRaw;
  // Named ranges as proxy-addr knows them, else each entry an IP address or CIDR: a typo must not
  // silently trust (or fail to trust) the load balancer.
  const PROXY_RANGES = ["loopback", "linklocal", "uniquelocal"];
  if (typeof trustProxy === "string") {
    for (const entry of trustProxy.split(",").map((part) => part.trim())) {
      const [address = "", bits, extra] = entry.split("/");
      const isCidr =
        isIP(address) !== 0 && extra === undefined && (bits === undefined || /^\d{1,3}$/.test(bits));
      if (!PROXY_RANGES.includes(entry) && !isCidr) {
        problems.push(
          `TRUST_PROXY must be true, false or a comma-separated list of proxy addresses or CIDRs (got "${entry}")`,
        );
      }
    }
  }

  const metricsRaw = env.METRICS_ENABLED ?? "";
  if (!["", "true", "false"].includes(metricsRaw)) {
    problems.push(`METRICS_ENABLED must be true or false (got "${metricsRaw}")`);
  }
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{24,200}$/.test(metricsToken)) {
    problems.push("METRICS_TOKEN must be 24 to 200 printable characters without spaces");
  }

  const config: Config = {
    nodeEnv,
    isProduction,
    port,
    host,
    dataDir: path.resolve(env.DATA_DIR || "./data"),
    databaseUrl,
    redisUrl,
    smtpUrl,
    mailFrom,
    publicUrl: publicUrlRaw.replace(/\/+$/, ""),
    publicOrigin,
    logLevel,
    trustProxy,
    seedDemo: !isProduction && env.SEED_DEMO !== "false",
    demoTransactions: integer("DEMO_TRANSACTIONS", 2_000, 0, 5_000_000),
    sessionIdleMinutes: integer("SESSION_IDLE_MINUTES", 60, 1, 60),
    sessionAbsoluteHours: integer("SESSION_ABSOLUTE_HOURS", 12, 1, 12),
    invitationTtlHours: integer("INVITATION_TTL_HOURS", 168, 1, 720),
    metricsEnabled: metricsRaw === "true",
    metricsToken,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
