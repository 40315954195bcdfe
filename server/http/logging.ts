// pino settings: JSON lines, secrets redacted, and tokens cut out of logged URLs.
// JSON encoding escapes CR/LF, so a name with a newline can never forge a log line.
import type { FastifyRequest } from "fastify";
import type { Config } from "../config.js";
import { isUuid, UUID_PATTERN_SOURCE } from "../ids.js";

// A secret travels in the path of /api/invitations/<token> (and …/<token>/accept). The client
// chooses the spelling, and a request the router does not match (another case, an encoded slash)
// is logged all the same, so the path is matched decoded and whatever its case.
const SECRET_AFTER_SEGMENT = new RegExp(`(/invitations/+)(?!${UUID_PATTERN_SOURCE}(?:/|$))[^/]+`, "gi");
// Our tokens are 43 base64url characters; a run that long is cut wherever it appears in a path.
const TOKEN_LIKE_RUN = /[A-Za-z0-9_-]{32,}/g;
const ASCII_ESCAPE = /%([0-7][0-9a-f])/gi;
const HAS_ASCII_ESCAPE = /%[0-7][0-9a-f]/i;

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

/** The path as a reader would see it: ASCII percent-escapes undone, nested ones too (%252F). */
function decodedPath(path: string): string {
  let decoded = path;
  for (let round = 0; round < 4 && HAS_ASCII_ESCAPE.test(decoded); round += 1) {
    decoded = decoded.replace(ASCII_ESCAPE, (_escape, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  }
  return decoded;
}

/** The URL as logged: no query string, and no secret in the path whatever its case or encoding. */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const decoded = decodedPath(path);
  const redacted = decoded
    .replace(SECRET_AFTER_SEGMENT, "$1[redacted]")
    .replace(TOKEN_LIKE_RUN, (run) => (isUuid(run) ? run : "[redacted]"));
  // An ordinary path is logged as it came; one that held a secret, in its decoded and cut form.
  const cleanPath = redacted === decoded ? path : redacted;
  return queryAt === -1 ? cleanPath : `${cleanPath}?[query]`;
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
