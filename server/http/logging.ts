// pino settings: JSON lines, secrets redacted, and tokens cut out of logged URLs.
// JSON encoding escapes CR/LF, so a name with a newline can never forge a log line.
import type { FastifyRequest } from "fastify";
import type { Config } from "../config.js";

// Paths whose last segment is a secret (invitation and reset tokens arrive in later issues).
const TOKEN_IN_PATH = /^(\/api\/invitations\/)[^/?]+/;

// Fields that hold a secret wherever they appear in a logged object, up to three levels deep.
const SECRET_FIELDS = [
  "password",
  "newPassword",
  "currentPassword",
  "token",
  "code",
  "cookie",
  "authorization",
];

export function redactUrl(url: string): string {
  const [pathPart = "", query] = url.split("?", 2);
  const cleanPath = pathPart.replace(TOKEN_IN_PATH, "$1[redacted]");
  return query === undefined ? cleanPath : `${cleanPath}?[query]`;
}

export function loggerOptions(config: Config, stream?: NodeJS.WritableStream) {
  if (config.logLevel === "silent" && !stream) return false;
  return {
    level: stream && config.logLevel === "silent" ? "info" : config.logLevel,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        "req.headers.cookie",
        "req.headers.authorization",
        'res.headers["set-cookie"]',
        ...SECRET_FIELDS,
        ...SECRET_FIELDS.map((field) => `*.${field}`),
        ...SECRET_FIELDS.map((field) => `*.*.${field}`),
      ],
      censor: "[redacted]",
    },
    serializers: {
      req(request: FastifyRequest) {
        return { method: request.method, url: redactUrl(request.url), ip: request.ip };
      },
    },
  };
}
