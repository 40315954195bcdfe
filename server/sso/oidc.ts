// OpenID Connect login (SPEC §6.3) through openid-client: discovery, the authorization code flow
// with PKCE, state and nonce, and the library's ID-token checks (signature, issuer, audience, expiry).

import type { Kysely } from "kysely";
import * as oidc from "openid-client";
import type { DB } from "../db/schema.js";
import { openSecret, sealSecret } from "../mfa/secret-box.js";
import type { SsoIdentity } from "./login.js";
import type { ConnectionRow } from "./queries.js";
import { findConnection } from "./queries.js";
import { clientSecretContext, OIDC_CALLBACK_PATH } from "./settings.js";

/** How long a started login may take at the IdP before the browser's flow cookie is refused. */
export const OIDC_FLOW_LIFETIME_MS = 10 * 60_000;
const DISCOVERY_CACHE_MS = 5 * 60_000;
const IDP_TIMEOUT_SECONDS = 10;

export type OidcDeps = {
  db: Kysely<DB>;
  publicUrl: string;
  secretKey: Buffer;
  /** Outside production the IdP may answer on plain http (the tests' loopback provider). */
  allowHttp: boolean;
  now: () => Date;
};

/** What the browser's flow cookie carries, sealed: it binds the callback to the browser that started. */
type Flow = { companyId: string; state: string; nonce: string; codeVerifier: string; expiresAt: number };

const FLOW_CONTEXT = "sso-oidc-flow";

export function sealFlow(key: Buffer, flow: Flow): string {
  return sealSecret(key, JSON.stringify(flow), FLOW_CONTEXT);
}

export function openFlow(key: Buffer, sealed: string | undefined): Flow | null {
  if (!sealed || sealed.length > 2000) return null;
  try {
    const flow = JSON.parse(openSecret(key, sealed, FLOW_CONTEXT)) as Flow;
    return typeof flow.state === "string" && typeof flow.companyId === "string" ? flow : null;
  } catch {
    return null;
  }
}

const discovered = new Map<string, { config: oidc.Configuration; until: number }>();

/** The IdP's configuration by discovery, cached briefly per connection version. */
async function configurationOf(deps: OidcDeps, connection: ConnectionRow): Promise<oidc.Configuration> {
  const key = `${connection.company_id}|${connection.version}|${connection.oidc_issuer}|${connection.oidc_client_id}`;
  const cached = discovered.get(key);
  const nowMs = deps.now().getTime();
  if (cached && cached.until > nowMs) return cached.config;
  if (!connection.oidc_issuer || !connection.oidc_client_id)
    throw new Error("OIDC connection without issuer");
  const secret = connection.oidc_client_secret_sealed
    ? openSecret(
        deps.secretKey,
        connection.oidc_client_secret_sealed,
        clientSecretContext(connection.company_id),
      )
    : null;
  const issuer = new URL(connection.oidc_issuer);
  const isHttp = issuer.protocol === "http:";
  if (isHttp && !deps.allowHttp) throw new Error("An http issuer is refused in production");
  const config = await oidc.discovery(
    issuer,
    connection.oidc_client_id,
    // Only asymmetric signatures: `none` (and a MAC keyed by the client secret) are refused.
    { id_token_signed_response_alg: "RS256" },
    secret ? oidc.ClientSecretBasic(secret) : oidc.None(),
    { timeout: IDP_TIMEOUT_SECONDS, ...(isHttp ? { execute: [oidc.allowInsecureRequests] } : {}) },
  );
  config.timeout = IDP_TIMEOUT_SECONDS;
  discovered.set(key, { config, until: nowMs + DISCOVERY_CACHE_MS });
  return config;
}

/** Starts a login: the IdP's authorization URL, and the sealed flow for the browser's cookie. */
export async function startOidcLogin(
  deps: OidcDeps,
  connection: ConnectionRow,
  loginHint: string,
): Promise<{ redirectUrl: string; sealedFlow: string }> {
  const config = await configurationOf(deps, connection);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const flow: Flow = {
    companyId: connection.company_id,
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier,
    expiresAt: deps.now().getTime() + OIDC_FLOW_LIFETIME_MS,
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${deps.publicUrl}${OIDC_CALLBACK_PATH}`,
    scope: "openid email profile",
    response_type: "code",
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
    login_hint: loginHint,
  });
  return { redirectUrl: url.href, sealedFlow: sealFlow(deps.secretKey, flow) };
}

/** Why a callback was not trusted; `check` names the failed check for the audit log, never a token. */
export class OidcCallbackRefused extends Error {
  constructor(
    readonly reason: "expired" | "invalid_response" | "idp_error" | "sso_not_enabled",
    readonly companyId: string | null,
    readonly check: string,
  ) {
    super(`OIDC callback refused: ${check}`);
  }
}

/**
 * Finishes a login from the IdP's redirect: the browser's flow (state), then the code exchanged with
 * the PKCE verifier and the ID token checked by openid-client (signature by the IdP's keys, issuer,
 * audience, expiry, nonce). Answers the identity for completeSsoLogin.
 */
export async function finishOidcLogin(
  deps: OidcDeps,
  input: { sealedFlow: string | undefined; query: Record<string, string> },
): Promise<SsoIdentity> {
  const flow = openFlow(deps.secretKey, input.sealedFlow);
  if (!flow) throw new OidcCallbackRefused("expired", null, "no_flow_cookie");
  const companyId = flow.companyId;
  if (flow.expiresAt <= deps.now().getTime())
    throw new OidcCallbackRefused("expired", companyId, "flow_expired");
  if (input.query.state !== flow.state)
    throw new OidcCallbackRefused("invalid_response", companyId, "state_mismatch");
  if (typeof input.query.error === "string") {
    throw new OidcCallbackRefused("idp_error", companyId, `idp:${input.query.error.slice(0, 60)}`);
  }
  const connection = await findConnection(deps.db, companyId);
  if (!connection?.enabled || connection.protocol !== "oidc") {
    throw new OidcCallbackRefused("sso_not_enabled", companyId, "connection_disabled");
  }
  const config = await configurationOf(deps, connection);
  // The URL the IdP sent the browser to, rebuilt from PUBLIC_URL (never the Host header).
  const currentUrl = new URL(`${deps.publicUrl}${OIDC_CALLBACK_PATH}`);
  for (const [name, value] of Object.entries(input.query)) currentUrl.searchParams.set(name, value);
  let claims: Record<string, unknown>;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new OidcCallbackRefused("invalid_response", companyId, "no_id_token");
    claims = { ...idClaims };
    if (typeof claims.email !== "string" && tokens.access_token) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...info, ...idClaims };
    }
  } catch (error) {
    if (error instanceof OidcCallbackRefused) throw error;
    throw new OidcCallbackRefused("invalid_response", companyId, checkOf(error));
  }
  // An address the IdP says it has not verified proves nothing about the person.
  if (claims.email_verified === false)
    throw new OidcCallbackRefused("invalid_response", companyId, "email_not_verified");
  return {
    companyId,
    protocol: "oidc",
    subject: String(claims.sub),
    email: typeof claims.email === "string" ? claims.email : "",
    name: typeof claims.name === "string" ? claims.name : null,
    groups: groupsOf(claims[connection.groups_attribute]),
  };
}

/**
 * A library error as a short label for the audit log: its code, message, and the claim or header it
 * names (never a token or a claim's value).
 */
function checkOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current instanceof Error; depth += 1) {
    const { code } = current as { code?: unknown };
    parts.push(`${typeof code === "string" ? code : current.name}: ${current.message}`);
    const cause = (current as { cause?: unknown }).cause;
    const claim = (cause as { claim?: unknown } | undefined)?.claim;
    if (typeof claim === "string") parts.push(`claim ${claim}`);
    current = cause;
  }
  return parts.length > 0 ? parts.join("; ").slice(0, 300) : "unknown";
}

function groupsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  return list
    .filter((g): g is string => typeof g === "string" && g.length > 0 && g.length <= 300)
    .slice(0, 500);
}
