// Step-up with a passkey (rule 7, SPEC §6.2): the request options for a step-up challenge, and the
// check of the browser's assertion. The step-up service owns the challenge's life and the elevation.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import type { Kysely, Transaction } from "kysely";
import type { DB } from "../db/schema.js";
import { challengeOf, checkAssertion, type RelyingParty, requestOptions } from "./ceremony.js";
import { consumeWebAuthnChallenge, findPasskeyForUpdate, listPasskeys, recordPasskeyUse } from "./queries.js";
import type { AuthenticationResponse } from "./schemas.js";
import { storeChallenge } from "./service.js";

type SessionOwner = { accountId: string; sessionId: string };

/** Request options naming the account's passkeys, with a challenge good for this session only. */
export async function createStepUpOptions(
  db: Kysely<DB>,
  party: RelyingParty,
  owner: SessionOwner,
  now: Date,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const passkeys = await listPasskeys(db, owner.accountId);
  const options = await requestOptions(
    party,
    passkeys.map((row) => ({ credentialId: row.credential_id ?? "", transports: row.transports })),
  );
  await storeChallenge(db, { challenge: options.challenge, purpose: "step_up", owner, now });
  return options;
}

/**
 * Whether the assertion answers a step-up challenge of this session with one of the account's own
 * passkeys (signature, origin, RP ID, user verification, counter). The challenge is used up whatever
 * the outcome, so an answer is never accepted twice.
 */
export async function verifyStepUpAssertion(
  trx: Transaction<DB>,
  party: RelyingParty,
  owner: SessionOwner,
  response: AuthenticationResponse,
  now: Date,
): Promise<boolean> {
  const challenge = challengeOf(response);
  if (!challenge) return false;
  if (!(await consumeWebAuthnChallenge(trx, { challenge, purpose: "step_up", owner, now }))) return false;
  const passkey = await findPasskeyForUpdate(trx, response.id);
  if (!passkey?.public_key || passkey.sign_count === null || passkey.account_id !== owner.accountId) {
    return false;
  }
  const checked = await checkAssertion(party, response as AuthenticationResponseJSON, challenge, {
    id: response.id,
    publicKey: new Uint8Array(passkey.public_key),
    counter: passkey.sign_count,
  });
  if (!checked) return false;
  await recordPasskeyUse(trx, passkey.id, checked.newCounter, now);
  return true;
}
