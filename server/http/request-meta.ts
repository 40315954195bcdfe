// Who acted and from where: what every audit record of a request carries.

/** Built once per request by requestMeta() (security-plugin.ts). */
export type RequestMeta = {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
};
