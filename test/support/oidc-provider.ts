// A real OpenID provider (`oidc-provider`) on loopback for the SSO tests: people the test names log in
// through a one-field form, consent is implied, and a test may tamper with the ID token the token
// endpoint answers (re-signed with the provider's own key, or unsigned) to prove the client's checks.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";

export type IdpUser = { email: string; name?: string; groups?: string[]; emailVerified?: boolean };

/** Changes the ID token's header or claims; `alg: "none"` makes it unsigned. */
export type IdTokenTamper = (token: { header: Record<string, unknown>; claims: Record<string, unknown> }) => {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
};

export type TestIdp = Awaited<ReturnType<typeof startTestIdp>>;

export async function startTestIdp(input: {
  redirectUris: string[];
  clientId?: string;
  clientSecret?: string;
}) {
  const clientId = input.clientId ?? "portal-client";
  const clientSecret = input.clientSecret ?? randomBytes(24).toString("base64url");
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const signingJwk: JWK = { ...(await exportJWK(privateKey)), kid: "test-idp-key", alg: "RS256", use: "sig" };

  /** People by subject (their email, as the login form takes it). */
  const users = new Map<string, IdpUser>();
  const state = { tamper: null as IdTokenTamper | null };

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: input.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [signingJwk] },
    // Short lives, said outright (the defaults print notices).
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    // The claims in the ID token itself, as Okta and Entra ID put them there.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const user = users.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          email: user.email,
          email_verified: user.emailVerified ?? true,
          name: user.name ?? user.email,
          groups: user.groups ?? [],
        }),
      };
    },
    // Consent is implied: every login grants the scopes the client asked for.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const accountId = ctx.oidc.session?.accountId;
      const client = ctx.oidc.client;
      if (!accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });
  provider.proxy = false;

  // The tamper hook: after the token endpoint answers, its ID token may be rewritten.
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (ctx.path === "/token" && state.tamper && body && typeof body.id_token === "string") {
      ctx.body = { ...body, id_token: await rewrite(body.id_token, state.tamper) };
    }
  });

  async function rewrite(idToken: string, tamper: IdTokenTamper): Promise<string> {
    const changed = tamper({
      header: { ...decodeProtectedHeader(idToken) },
      claims: { ...decodeJwt(idToken) },
    });
    if (changed.header.alg === "none") {
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
      return `${part(changed.header)}.${part(changed.claims)}.`;
    }
    return new SignJWT(changed.claims)
      .setProtectedHeader({ ...changed.header, alg: "RS256", kid: signingJwk.kid })
      .sign(privateKey);
  }

  const callback = provider.callback();
  server.on("request", async (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (!match) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === "GET") {
        res.setHeader("content-type", "text/html; charset=utf-8");
        res.end(`<!doctype html><html lang="en"><head><title>Test IdP</title></head><body><main>
<h1>Sign in to the test identity provider</h1>
<form method="post" action="/interaction/${details.uid}/login">
<label>Email <input name="login" type="email" autocomplete="username"></label>
<button type="submit">Sign in</button></form></main></body></html>`);
        return;
      }
      const body = await new Promise<string>((resolve) => {
        let text = "";
        req.on("data", (chunk) => {
          text += chunk;
        });
        req.on("end", () => resolve(text));
      });
      const login = new URLSearchParams(body).get("login") ?? "";
      if (!users.has(login)) {
        res.statusCode = 400;
        res.end("unknown user");
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: login } },
        { mergeWithLastSubmission: false },
      );
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });

  return {
    issuer,
    clientId,
    clientSecret,
    users,
    /** Adds (or replaces) a person the IdP can sign in. */
    addUser(user: IdpUser) {
      users.set(user.email, user);
    },
    /** Rewrites the next ID tokens (until cleared with null). */
    tamperIdTokens(tamper: IdTokenTamper | null) {
      state.tamper = tamper;
    },
    /**
     * Plays the browser at the IdP, without a browser: from the authorization URL through the login
     * form to the redirect back to the portal; answers that redirect's URL.
     */
    async signIn(authorizationUrl: string, email: string): Promise<URL> {
      const jar = new Map<string, string>();
      const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
      const keep = (response: Response) => {
        for (const line of response.headers.getSetCookie()) {
          const [pair] = line.split(";");
          const at = pair!.indexOf("=");
          jar.set(pair!.slice(0, at), pair!.slice(at + 1));
        }
      };
      let url = authorizationUrl;
      let method = "GET";
      let body: string | undefined;
      for (let hop = 0; hop < 10; hop += 1) {
        const response = await fetch(url, {
          method,
          redirect: "manual",
          headers: {
            cookie: cookieHeader(),
            ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
          },
          ...(body ? { body } : {}),
        });
        keep(response);
        const location = response.headers.get("location");
        if (response.status === 200 && /\/interaction\/[\w-]+$/.test(new URL(url).pathname)) {
          url = `${url}/login`;
          method = "POST";
          body = new URLSearchParams({ login: email }).toString();
          continue;
        }
        if (!location) throw new Error(`IdP answered ${response.status} at ${url}: ${await response.text()}`);
        const next = new URL(location, url);
        if (!next.href.startsWith(issuer)) return next;
        url = next.href;
        method = "GET";
        body = undefined;
      }
      throw new Error("Too many redirects at the IdP");
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
