// The production profile: __Host- Secure cookies, client IPs believed only from configured proxies
// (TRUST_PROXY), and Prometheus metrics at /metrics guarded by configuration, on a real server over
// HTTP (and inject, to play a proxy's address) on every configured database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config.js";
import { LATENCY_BUCKETS } from "../../server/http/metrics.js";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "../support/databases.js";
import { expectRefused } from "./support/expect.js";
import { type LiveServer, startLiveServer, TEST_PASSWORD, uniqueEmail } from "./support/live-server.js";

const PRODUCTION_ENV = {
  NODE_ENV: "production",
  PUBLIC_URL: "https://portal.example",
  // Required in production; the live server brings its own database and sends no mail.
  DATABASE_URL: "postgres://unused@127.0.0.1:1/unused",
  SMTP_URL: "smtp://127.0.0.1:1",
  MFA_SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
};
const METRICS_TOKEN = "metrics-token-0123456789abcdef";

describe.each(testDatabaseKinds)("production profile (%s)", (kind) => {
  let database: TestDatabase;
  const servers: LiveServer[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await database?.dispose();
  });

  async function serve(env: Record<string, string>, limits?: { loginPerMinute?: number }) {
    const server = await startLiveServer(kind, { database, env, ...(limits ? { limits } : {}) });
    servers.push(server);
    return server;
  }

  it("production cookies: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain; HSTS; no dev mailbox", async () => {
    const s = await serve(PRODUCTION_ENV);
    const company = await s.company("Production Co");
    const login = await s
      .client()
      .post(
        "/api/auth/login",
        { email: company.admin.email, password: TEST_PASSWORD },
        { headers: { origin: "https://portal.example" } },
      );
    expect(login.status, login.text).toBe(200);
    const [cookie] = login.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-portal_session=[A-Za-z0-9_-]{43};/);
    const attributes = cookie!.split(";").map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["path=/", "httponly", "secure", "samesite=lax"]));
    expect(attributes.some((part) => part.startsWith("domain="))).toBe(false);
    expect(login.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect((await s.client().get("/api/dev/outbox")).status).toBe(404);
    // A cookie without the prefix (planted by a sibling subdomain, say) is not the session.
    const planted = s.client();
    const token = /^__Host-portal_session=([^;]+)/.exec(cookie!)![1]!;
    expect((await planted.get("/api/me", { headers: { cookie: `portal_session=${token}` } })).status).toBe(
      401,
    );
    expect(
      (await planted.get("/api/me", { headers: { cookie: `__Host-portal_session=${token}` } })).status,
    ).toBe(200);
  });

  it("TRUST_PROXY off: X-Forwarded-For is ignored, for the audit log and for rate limits", async () => {
    const s = await serve({ PUBLIC_URL: "http://portal.test" }, { loginPerMinute: 3 });
    const mark = s.mark();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await s
        .client()
        .post(
          "/api/auth/login",
          { email: uniqueEmail("spoof"), password: "whatever password" },
          { headers: { "x-forwarded-for": `203.0.113.${i + 1}` } },
        );
      statuses.push(response.status);
    }
    // Rotating the header does not buy a new allowance: the limit keys on the real peer.
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const failures = await s.auditSince(mark, "auth.login_failed");
    expect(failures.map((e) => e.ip)).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
  });

  it.each([
    ["an address", "10.0.0.7"],
    ["a CIDR list", "192.0.2.1, 10.0.0.0/8"],
  ])(
    "TRUST_PROXY as %s: X-Forwarded-For is honoured only from a configured proxy",
    async (_label, setting) => {
      const s = await serve({ PUBLIC_URL: "http://portal.test", TRUST_PROXY: setting });
      const mark = s.mark();
      const attempt = (remoteAddress: string, forwarded: string) =>
        s.app.inject({
          method: "POST",
          url: "/api/auth/login",
          remoteAddress,
          headers: { "x-forwarded-for": forwarded },
          payload: { email: uniqueEmail("proxied"), password: "whatever password" },
        });
      // Through the proxy: the client is the address the proxy saw (the last hop it appended).
      expect((await attempt("10.0.0.7", "198.51.100.1, 203.0.113.50")).statusCode).toBe(401);
      // Straight from a client claiming to be forwarded: its own address counts, not the claim.
      expect((await attempt("198.51.100.77", "203.0.113.99")).statusCode).toBe(401);
      const ips = (await s.auditSince(mark, "auth.login_failed")).map((e) => e.ip);
      expect(ips).toEqual(["203.0.113.50", "198.51.100.77"]);
    },
  );

  it("metrics: absent (404) unless METRICS_ENABLED=true", async () => {
    const s = await serve({ PUBLIC_URL: "http://portal.test" });
    const response = await s.client().get("/metrics");
    expectRefused(response, 404, "not_found");
  });

  it("metrics: request latency histograms by route and status class, login failures and outbox lag in Prometheus text", async () => {
    const s = await serve({ PUBLIC_URL: "http://portal.test", METRICS_ENABLED: "true" });
    const company = await s.company("Metrics Co");
    await s.client().post("/api/auth/login", { email: company.admin.email, password: "not the password 1" });
    await s.client().post("/api/auth/login", { email: company.admin.email, password: TEST_PASSWORD });
    await s.client().get("/api/me");
    // A mail waiting half a minute: a reset request queues one, then time moves on.
    await s.client().post("/api/auth/password-reset", { email: company.admin.email });
    s.clock.advance(30_000);

    const response = await s.client().get("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = parsePrometheus(response.text);
    const login401 = 'method="POST",route="/api/auth/login",status_class="4xx"';
    expect(metrics.get(`portal_http_request_duration_seconds_count{${login401}}`)).toBe(1);
    expect(metrics.get(`portal_http_request_duration_seconds_bucket{${login401},le="+Inf"}`)).toBe(1);
    expect(
      metrics.get(
        'portal_http_request_duration_seconds_count{method="GET",route="/api/me",status_class="4xx"}',
      ),
    ).toBe(1);
    expect(
      metrics.get(
        'portal_http_request_duration_seconds_count{method="POST",route="/api/auth/login",status_class="2xx"}',
      ),
    ).toBe(1);
    // Buckets are cumulative and end at the count.
    const buckets = LATENCY_BUCKETS.map(
      (le) => metrics.get(`portal_http_request_duration_seconds_bucket{${login401},le="${le}"}`)!,
    );
    for (let i = 1; i < buckets.length; i += 1) expect(buckets[i]).toBeGreaterThanOrEqual(buckets[i - 1]!);
    expect(metrics.get('portal_login_failures_total{reason="invalid_credentials"}')).toBe(1);
    expect(metrics.get("portal_mail_outbox_pending")).toBeGreaterThanOrEqual(1);
    expect(metrics.get("portal_mail_outbox_lag_seconds")).toBeGreaterThanOrEqual(30);
    expect(response.text).toMatch(/^# TYPE portal_http_request_duration_seconds histogram$/m);
    // Labels stay bounded: an unknown path is "unmatched", never the path itself.
    await s.client().get("/api/this/does/not/exist/abc123");
    expect((await s.client().get("/metrics")).text).not.toContain("abc123");
  });

  it("metrics: with METRICS_TOKEN the endpoint answers only to the bearer token (401 otherwise)", async () => {
    const s = await serve({ PUBLIC_URL: "http://portal.test", METRICS_ENABLED: "true", METRICS_TOKEN });
    for (const authorization of [
      undefined,
      "Bearer wrong-token-0123456789abcdef",
      `Basic ${METRICS_TOKEN}`,
    ]) {
      const response = await s.client().get("/metrics", authorization ? { headers: { authorization } } : {});
      expectRefused(response, 401, "unauthenticated");
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    const allowed = await s
      .client()
      .get("/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain("portal_mail_outbox_lag_seconds");
  });

  it("metrics and TRUST_PROXY: the configuration is checked at start", () => {
    expect(() => loadConfig({ METRICS_ENABLED: "yes" })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_ENABLED: "true", METRICS_TOKEN: "short" })).toThrow(ConfigError);
    expect(loadConfig({}).metricsEnabled).toBe(false);
    expect(loadConfig({ METRICS_ENABLED: "true", METRICS_TOKEN }).metricsToken).toBe(METRICS_TOKEN);
    expect(() => loadConfig({ TRUST_PROXY: "10.0.0.1, proxy.internal" })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: "1" })).toThrow(ConfigError);
    expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8, ::1, loopback" }).trustProxy).toBe(
      "10.0.0.0/8, ::1, loopback",
    );
  });
});

/** Sample lines of a Prometheus text exposition, by series name and labels (in any order). */
function parsePrometheus(text: string): { get(series: string): number | undefined } {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(seriesKey(line.slice(0, at)), Number(line.slice(at + 1)));
  }
  return { get: (series) => samples.get(seriesKey(series)) };
}

/** A series as `name{label="value",...}` with its labels sorted, so that their order does not matter. */
function seriesKey(series: string): string {
  const open = series.indexOf("{");
  if (open === -1) return series;
  const pairs = series.slice(open + 1, -1).match(/\w+="(?:[^"\\]|\\.)*"/g) ?? [];
  return `${series.slice(0, open)}{${pairs.sort().join(",")}}`;
}
