// SCIM's discovery endpoints (RFC 7644 §4): what this server supports, told to identity providers
// before they send anything. Static, apart from the locations built from PUBLIC_URL.
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, LIST_SCHEMA, MAX_PAGE_SIZE, USER_SCHEMA } from "./protocol.js";

const string = (name: string, description: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: "string",
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
  ...extra,
});

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    documentationUri: `${baseUrl.replace(/\/scim\/v2$/, "")}/api/docs`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        description: "A SCIM token made under Company settings → Security → SCIM tokens.",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string) {
  const types = [
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "A member of the company",
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
      meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "A role of the company; its members hold the role",
      schema: GROUP_SCHEMA,
      meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
  return {
    schemas: [LIST_SCHEMA],
    totalResults: types.length,
    startIndex: 1,
    itemsPerPage: types.length,
    Resources: types,
  };
}

export function schemas(baseUrl: string) {
  const all = [
    {
      id: USER_SCHEMA,
      name: "User",
      description:
        "A member of the company. userName is the member's email; only emails of the company's verified domains are provisioned.",
      attributes: [
        string("userName", "The member's email address.", {
          required: true,
          uniqueness: "server",
          mutability: "immutable",
        }),
        string("externalId", "The identity provider's identifier of the user.", { caseExact: true }),
        string("displayName", "The person's name (set at provisioning; an account spans companies).", {
          mutability: "readOnly",
        }),
        {
          name: "active",
          type: "boolean",
          multiValued: false,
          description: "false deactivates the member at once; true reactivates them with their roles.",
          required: false,
          mutability: "readWrite",
          returned: "default",
        },
        {
          name: "groups",
          type: "complex",
          multiValued: true,
          description: "The member's roles.",
          required: false,
          mutability: "readOnly",
          returned: "default",
        },
      ],
    },
    {
      id: GROUP_SCHEMA,
      name: "Group",
      description:
        "A role of the company. Members are added and removed through PATCH; roles are made and named in the portal.",
      attributes: [
        string("displayName", "The role's name.", {
          required: true,
          mutability: "readOnly",
          uniqueness: "server",
        }),
        {
          name: "members",
          type: "complex",
          multiValued: true,
          description: "The members holding the role.",
          required: false,
          mutability: "readWrite",
          returned: "default",
          subAttributes: [string("value", "The member's id.", { caseExact: true })],
        },
      ],
    },
  ].map((schema) => ({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
    ...schema,
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${schema.id}` },
  }));
  return {
    schemas: [LIST_SCHEMA],
    totalResults: all.length,
    startIndex: 1,
    itemsPerPage: all.length,
    Resources: all,
  };
}
