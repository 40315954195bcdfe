// Typed configuration, read from the environment once at start: a TypeBox schema of the variables
// (types, defaults, ranges, allowed values), then the rules that join several of them.
// Every bad value is reported together, with the variable's name and what it expects.
import { isIP } from "node:net";
import path from "node:path";
import {
  FormatRegistry,
  type Static,
  type TLiteral,
  type TSchema,
  type TUnion,
  Type,
} from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";

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
  /** Audit events are kept this many months at least, then dropped a whole month at a time. */
  auditRetentionMonths: number;
  mailRetentionDays: number;
  webhookLogRetentionDays: number;
  /** GET /metrics (Prometheus) exists only when this is true. */
  metricsEnabled: boolean;
  /** When set, /metrics answers only to `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** The AES-256 key that seals TOTP secrets at rest (32 bytes); a fixed one outside production. */
  mfaSecretKey: Buffer;
  /** DNS servers (host:port) that verify company domains (SPEC §6.3); undefined: the system's resolver. */
  dnsServers: string[] | undefined;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

// Each variable's schema carries `expects`, the end of its message; `echo` adds the value given,
// which no variable that may hold a secret (a URL's password, the metrics token) sets.
type Message = { expects: string; echo?: boolean };

function oneOf<const T extends readonly string[]>(
  values: T,
  message: Message,
  fallback?: T[number],
): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    fallback === undefined ? message : { ...message, default: fallback },
  );
}

function wholeNumber(fallback: number, minimum: number, maximum: number) {
  return Type.Integer({
    minimum,
    maximum,
    default: fallback,
    expects: `must be a whole number from ${minimum} to ${maximum}`,
    echo: true,
  });
}

function url(protocols: string[]) {
  const format = `url:${protocols.join(",")}`;
  if (!FormatRegistry.Has(format)) {
    FormatRegistry.Set(format, (value) => URL.canParse(value) && protocols.includes(new URL(value).protocol));
  }
  return Type.Optional(
    Type.String({
      format,
      expects: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
    }),
  );
}

/** The environment the server reads; a variable set to the empty string counts as unset. */
export const EnvironmentSchema = Type.Object({
  NODE_ENV: oneOf(
    ["production", "development", "test"],
    { expects: "must be production, development or test", echo: true },
    "development",
  ),
  PORT: wholeNumber(3000, 0, 65535),
  HOST: Type.Optional(Type.String()),
  DATA_DIR: Type.String({ default: "./data" }),
  DATABASE_URL: url(["postgres:", "postgresql:"]),
  REDIS_URL: url(["redis:", "rediss:"]),
  SMTP_URL: url(["smtp:", "smtps:"]),
  PUBLIC_URL: url(["http:", "https:"]),
  MAIL_FROM: Type.String({
    pattern: "^[^\\r\\n]*$",
    default: "Merchant Portal <no-reply@portal.invalid>",
    expects: "must be one line",
  }),
  LOG_LEVEL: Type.Optional(oneOf(LOG_LEVELS, { expects: `must be one of ${LOG_LEVELS.join(", ")}` })),
  TRUST_PROXY: Type.Optional(Type.String()),
  SEED_DEMO: oneOf(["true", "false"], { expects: "must be true or false", echo: true }, "true"),
  DEMO_TRANSACTIONS: wholeNumber(2_000, 0, 5_000_000),
  SESSION_IDLE_MINUTES: wholeNumber(60, 1, 60),
  SESSION_ABSOLUTE_HOURS: wholeNumber(12, 1, 12),
  INVITATION_TTL_HOURS: wholeNumber(168, 1, 720),
  // Rule 11 keeps audit events at least 12 months (PCI DSS 10.5.1).
  AUDIT_RETENTION_MONTHS: Type.Integer({
    minimum: 12,
    maximum: 1200,
    default: 13,
    expects: "must be a whole number of months from 12 (the least rule 11 allows: PCI DSS 10.5.1) to 1200",
    echo: true,
  }),
  // How long a mail that left the outbox, and a webhook delivery that is over, are kept.
  MAIL_RETENTION_DAYS: wholeNumber(30, 1, 3650),
  WEBHOOK_LOG_RETENTION_DAYS: wholeNumber(30, 1, 3650),
  METRICS_ENABLED: oneOf(["true", "false"], { expects: "must be true or false", echo: true }, "false"),
  METRICS_TOKEN: Type.Optional(
    Type.String({
      pattern: "^[\\x21-\\x7e]{24,200}$",
      expects: "must be 24 to 200 printable characters without spaces",
    }),
  ),
  MFA_SECRET_KEY: Type.Optional(
    Type.String({
      pattern: "^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$",
      expects: "must be 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)",
    }),
  ),
  DNS_SERVERS: Type.Optional(Type.String({ maxLength: 1000 })),
});

// Outside production TOTP secrets are sealed under this published key: development data is not
// secret, and a real deployment must bring its own (loadConfig refuses production without one).
const DEVELOPMENT_MFA_SECRET_KEY = Buffer.from(
  "6d65726368616e7420706f7274616c20646576656c6f706d656e74206b657921",
  "hex",
);

function decodeKey(text: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
}

type Environment = Static<typeof EnvironmentSchema>;
type Variable = keyof Environment;

const VARIABLES = Object.keys(EnvironmentSchema.properties) as Variable[];

/** The schema's variables as given (empty ones left out), defaulted, and a problem per bad one. */
function readEnvironment(env: NodeJS.ProcessEnv): { values: Environment; problems: string[] } {
  const given: Partial<Record<Variable, string>> = {};
  const values: Record<string, unknown> = {};
  for (const name of VARIABLES) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    given[name] = raw;
    // Number() rather than TypeBox's conversion, which truncates "80.5" to 80.
    values[name] = EnvironmentSchema.properties[name].type === "integer" ? Number(raw) : raw;
  }
  const defaulted = Value.Default(EnvironmentSchema, values) as Record<string, unknown>;
  const problems: string[] = [];
  const bad = new Set<Variable>();
  for (const error of Value.Errors(EnvironmentSchema, defaulted)) {
    const name = error.path.split("/")[1] as Variable;
    if (bad.has(name)) continue;
    bad.add(name);
    const schema: TSchema & Partial<Message> = EnvironmentSchema.properties[name];
    const expects = schema.expects ?? "is not valid";
    problems.push(schema.echo ? `${name} ${expects} (got "${given[name]}")` : `${name} ${expects}`);
  }
  // A bad variable counts as unset, so that the rules below still see a whole configuration.
  for (const name of bad) delete defaulted[name];
  return { values: Value.Default(EnvironmentSchema, defaulted) as Environment, problems };
}

// Named ranges as proxy-addr knows them, else each entry an IP address or CIDR: a typo must not
// silently trust (or fail to trust) the load balancer.
const PROXY_RANGES = ["loopback", "linklocal", "uniquelocal"];

function trustProxyProblems(list: string): string[] {
  return list
    .split(",")
    .map((part) => part.trim())
    .filter((entry) => {
      const [address = "", bits, extra] = entry.split("/");
      const isCidr =
        isIP(address) !== 0 && extra === undefined && (bits === undefined || /^\d{1,3}$/.test(bits));
      return !PROXY_RANGES.includes(entry) && !isCidr;
    })
    .map(
      (entry) =>
        `TRUST_PROXY must be true, false or a comma-separated list of proxy addresses or CIDRs (got "${entry}")`,
    );
}

/**
 * DNS_SERVERS as node:dns's setServers takes them ("1.1.1.1", "127.0.0.1:5353", "[::1]:53"), or null
 * when an entry is not an IP address with an optional port: a name would need a resolver to find the
 * resolver, and a typo must stop the start rather than verify domains against the wrong server.
 */
export function parseDnsServers(list: string): string[] | null {
  const servers = list.split(",").map((entry) => entry.trim());
  const isServer = (entry: string) => {
    const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(entry);
    const plain = /^([0-9.]+)(?::(\d{1,5}))?$/.exec(entry);
    const match = bracketed ?? plain ?? (isIP(entry) === 6 ? [entry, entry, undefined] : null);
    if (!match || isIP(match[1] ?? "") === 0) return false;
    return match[2] === undefined || (Number(match[2]) >= 1 && Number(match[2]) <= 65535);
  };
  return servers.length > 0 && servers.every(isServer) ? servers : null;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { values, problems } = readEnvironment(env);
  const nodeEnv = values.NODE_ENV;
  const isProduction = nodeEnv === "production";

  if (isProduction && !env.DATABASE_URL) problems.push("DATABASE_URL is required when NODE_ENV=production");
  if (isProduction && !env.PUBLIC_URL) problems.push("PUBLIC_URL is required when NODE_ENV=production");
  if (isProduction && !env.SMTP_URL)
    problems.push("SMTP_URL is required when NODE_ENV=production (mail must leave the building)");
  if (isProduction && !env.MFA_SECRET_KEY)
    problems.push("MFA_SECRET_KEY is required when NODE_ENV=production (it seals TOTP secrets)");

  const trustProxyRaw = values.TRUST_PROXY ?? "false";
  const trustProxy = trustProxyRaw === "false" ? false : trustProxyRaw === "true" ? true : trustProxyRaw;
  if (typeof trustProxy === "string") problems.push(...trustProxyProblems(trustProxy));

  const dnsServers = values.DNS_SERVERS === undefined ? undefined : parseDnsServers(values.DNS_SERVERS);
  if (dnsServers === null) {
    problems.push(
      `DNS_SERVERS must be a comma-separated list of IP addresses, each with an optional port (1.1.1.1, 127.0.0.1:5353, [::1]:53) (got "${values.DNS_SERVERS}")`,
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const publicUrl = values.PUBLIC_URL ?? `http://localhost:${values.PORT}`;
  return {
    nodeEnv,
    isProduction,
    port: values.PORT,
    // Outside production the development mailbox (reset links, invitation tokens, codes) is served,
    // so by default only this machine reaches the server; production listens on every interface.
    host: values.HOST ?? (isProduction ? "0.0.0.0" : "127.0.0.1"),
    dataDir: path.resolve(values.DATA_DIR),
    databaseUrl: values.DATABASE_URL,
    redisUrl: values.REDIS_URL,
    smtpUrl: values.SMTP_URL,
    mailFrom: values.MAIL_FROM,
    publicUrl: publicUrl.replace(/\/+$/, ""),
    publicOrigin: new URL(publicUrl).origin,
    logLevel: values.LOG_LEVEL ?? (nodeEnv === "test" ? "silent" : "info"),
    trustProxy,
    seedDemo: !isProduction && values.SEED_DEMO === "true",
    demoTransactions: values.DEMO_TRANSACTIONS,
    sessionIdleMinutes: values.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: values.SESSION_ABSOLUTE_HOURS,
    invitationTtlHours: values.INVITATION_TTL_HOURS,
    auditRetentionMonths: values.AUDIT_RETENTION_MONTHS,
    mailRetentionDays: values.MAIL_RETENTION_DAYS,
    webhookLogRetentionDays: values.WEBHOOK_LOG_RETENTION_DAYS,
    metricsEnabled: values.METRICS_ENABLED === "true",
    metricsToken: values.METRICS_TOKEN,
    mfaSecretKey: values.MFA_SECRET_KEY ? decodeKey(values.MFA_SECRET_KEY) : DEVELOPMENT_MFA_SECRET_KEY,
    dnsServers: dnsServers ?? undefined,
  };
}
