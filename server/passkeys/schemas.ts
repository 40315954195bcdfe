// The WebAuthn shapes on the wire: what the browser's @simplewebauthn/browser sends back, and the
// options it is given. Options are open objects, as browsers pass on members they do not know.
import { type Static, Type } from "@sinclair/typebox";

const Base64Url = Type.String({ minLength: 1, maxLength: 16_384, pattern: "^[A-Za-z0-9_-]+$" });
const Transports = Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { maxItems: 10 });
const ClientExtensionResults = Type.Object({}, { additionalProperties: true });

export const RegistrationResponse = Type.Object(
  {
    id: Base64Url,
    rawId: Base64Url,
    type: Type.Literal("public-key"),
    response: Type.Object(
      {
        clientDataJSON: Base64Url,
        attestationObject: Base64Url,
        authenticatorData: Type.Optional(Base64Url),
        transports: Type.Optional(Transports),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
        publicKey: Type.Optional(Base64Url),
      },
      { additionalProperties: false },
    ),
    authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
    clientExtensionResults: ClientExtensionResults,
  },
  { additionalProperties: false, description: "The answer of navigator.credentials.create(), as JSON" },
);
export type RegistrationResponse = Static<typeof RegistrationResponse>;

export const AuthenticationResponse = Type.Object(
  {
    id: Base64Url,
    rawId: Base64Url,
    type: Type.Literal("public-key"),
    response: Type.Object(
      {
        clientDataJSON: Base64Url,
        authenticatorData: Base64Url,
        signature: Base64Url,
        userHandle: Type.Optional(Type.String({ maxLength: 1024, pattern: "^[A-Za-z0-9_-]*$" })),
      },
      { additionalProperties: false },
    ),
    authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
    clientExtensionResults: ClientExtensionResults,
  },
  { additionalProperties: false, description: "The answer of navigator.credentials.get(), as JSON" },
);
export type AuthenticationResponse = Static<typeof AuthenticationResponse>;

const CredentialDescriptor = Type.Object(
  {
    id: Type.String(),
    type: Type.String({ description: "public-key" }),
    transports: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
);

export const RegistrationOptions = Type.Object(
  {
    challenge: Type.String(),
    rp: Type.Object(
      { id: Type.Optional(Type.String()), name: Type.String() },
      { additionalProperties: true },
    ),
    user: Type.Object(
      { id: Type.String(), name: Type.String(), displayName: Type.String() },
      { additionalProperties: true },
    ),
    pubKeyCredParams: Type.Array(
      Type.Object({ alg: Type.Integer(), type: Type.Literal("public-key") }, { additionalProperties: true }),
    ),
    timeout: Type.Optional(Type.Integer()),
    excludeCredentials: Type.Optional(Type.Array(CredentialDescriptor)),
    authenticatorSelection: Type.Optional(Type.Object({}, { additionalProperties: true })),
    attestation: Type.Optional(Type.String()),
  },
  {
    additionalProperties: true,
    description:
      "PublicKeyCredentialCreationOptions as JSON, for @simplewebauthn/browser's startRegistration",
  },
);

export const RequestOptions = Type.Object(
  {
    challenge: Type.String(),
    rpId: Type.Optional(Type.String()),
    timeout: Type.Optional(Type.Integer()),
    allowCredentials: Type.Optional(Type.Array(CredentialDescriptor)),
    userVerification: Type.Optional(Type.String()),
  },
  {
    additionalProperties: true,
    description:
      "PublicKeyCredentialRequestOptions as JSON, for @simplewebauthn/browser's startAuthentication",
  },
);
