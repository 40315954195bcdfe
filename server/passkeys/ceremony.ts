// The relying party's side of WebAuthn through @simplewebauthn/server: options with a fresh challenge
// and checks of the browser's answers. RP ID and origin come from PUBLIC_URL, never from a request.
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";

/** How long the browser may take, and how long the challenge stays good (within the table's 10 minutes). */
export const CEREMONY_TIMEOUT_MS = 5 * 60_000;

export type RelyingParty = { id: string; origin: string; name: string };

export function relyingPartyOf(publicUrl: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, origin: url.origin, name: "Merchant Portal" };
}

export type StoredCredential = { credentialId: string; transports: string[] | null };

function descriptors(credentials: readonly StoredCredential[]) {
  return credentials.map((credential) => ({
    id: credential.credentialId,
    ...(credential.transports?.length ? { transports: credential.transports } : {}),
  }));
}

export function registrationOptions(
  party: RelyingParty,
  account: { id: string; email: string; name: string },
  existing: readonly StoredCredential[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: party.name,
    rpID: party.id,
    userName: account.email,
    userDisplayName: account.name,
    // The user handle is the account id: a passwordless login names its account through it.
    userID: new TextEncoder().encode(account.id),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: "none",
    excludeCredentials: descriptors(existing),
    // A discoverable credential, so it can sign in without an email typed first.
    authenticatorSelection: {
      residentKey: "required",
      requireResidentKey: true,
      userVerification: "required",
    },
  });
}

export function requestOptions(
  party: RelyingParty,
  allowed: readonly StoredCredential[],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: party.id,
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: "required",
    ...(allowed.length > 0 ? { allowCredentials: descriptors(allowed) } : {}),
  });
}

/**
 * The challenge the browser says it signed, read from clientDataJSON, or null for anything
 * malformed. It only selects the stored challenge; the library checks the signature over it.
 */
export function challengeOf(response: { response: { clientDataJSON: string } }): string | null {
  try {
    const clientData = JSON.parse(
      Buffer.from(response.response.clientDataJSON, "base64url").toString("utf8"),
    );
    const challenge = (clientData as { challenge?: unknown }).challenge;
    return typeof challenge === "string" && /^[A-Za-z0-9_-]{16,200}$/.test(challenge) ? challenge : null;
  } catch {
    return null;
  }
}

export type NewCredential = { id: string; publicKey: Uint8Array; counter: number; transports: string[] };

/** A verified new credential (origin, RP ID, user presence and verification), or null. */
export async function checkRegistration(
  party: RelyingParty,
  response: RegistrationResponseJSON,
  expectedChallenge: string,
): Promise<NewCredential | null> {
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin: party.origin,
      expectedRPID: party.id,
      requireUserPresence: true,
      requireUserVerification: true,
    });
    if (!result.verified) return null;
    const { credential } = result.registrationInfo;
    return {
      id: credential.id,
      publicKey: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? response.response.transports ?? [],
    };
  } catch {
    // The library throws for every malformed or mismatching answer; each is a refusal here.
    return null;
  }
}

/**
 * Checks an assertion against a stored credential: signature, origin, RP ID, user verification
 * and a signature counter that moved forward. The new counter, or null when refused.
 */
export async function checkAssertion(
  party: RelyingParty,
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  credential: { id: string; publicKey: Uint8Array<ArrayBuffer>; counter: number },
): Promise<{ newCounter: number } | null> {
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: party.origin,
      expectedRPID: party.id,
      credential,
      requireUserVerification: true,
    });
    return result.verified && result.authenticationInfo.userVerified
      ? { newCounter: result.authenticationInfo.newCounter }
      : null;
  } catch {
    return null;
  }
}
