// The one error handler: every failure leaves as {"error":{"code","message"}} with the right
// status, and nothing internal (stack, SQL, token) ever reaches the client. The message is in the
// request's language (SPEC §6.6); the code never changes with it.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { AppError, ERROR_CODES, type ErrorCode } from "../errors.js";
import { type Language, requestLanguage } from "../i18n/languages.js";
import { errorMessage, t } from "../i18n/translate.js";

/** The language of a request's answers: the signed-in account's choice, else Accept-Language. */
export function languageOfRequest(request: FastifyRequest): Language {
  return requestLanguage(request.auth?.language, request.headers["accept-language"]);
}

function send(reply: FastifyReply, code: ErrorCode, message?: string, details?: unknown) {
  const english = message ?? ERROR_CODES[code].message;
  const body: { error: { code: string; message: string; details?: unknown } } = {
    error: { code, message: errorMessage(languageOfRequest(reply.request), code, english) },
  };
  if (details !== undefined) body.error.details = details;
  // A download that fails after naming its file would otherwise save this refusal as the file.
  reply.removeHeader("content-disposition");
  return reply.status(ERROR_CODES[code].status).type("application/json; charset=utf-8").send(body);
}

/** send() for a message already in the request's language. */
function sendTranslated(reply: FastifyReply, code: ErrorCode, message: string, details?: unknown) {
  reply.removeHeader("content-disposition");
  return reply
    .status(ERROR_CODES[code].status)
    .type("application/json; charset=utf-8")
    .send({ error: { code, message, ...(details !== undefined ? { details } : {}) } });
}

// Errors that mean the database is out of reach (down, restarting, connections cut), not that the
// request was wrong: pg's network errors, admin/crash shutdown, "cannot connect now", class 08.
const DATABASE_UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "57P01",
  "57P02",
  "57P03",
]);
const DATABASE_UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|not queryable/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === "string" && (DATABASE_UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)))
    return true;
  return typeof message === "string" && DATABASE_UNAVAILABLE_MESSAGE.test(message);
}

export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers);
      return send(reply, error.code, error.message, error.details);
    }
    if (error.validation) {
      const first = error.validation[0];
      const where = error.validationContext ?? "request";
      const field = first?.instancePath ? `${where}${first.instancePath.replaceAll("/", ".")}` : where;
      const language = languageOfRequest(request);
      // The validator speaks English only: other languages name the field in a sentence of their own.
      const message =
        language !== "en" && first
          ? t(language, "validation.field_invalid", { field })
          : first
            ? `${field} ${first.message ?? "is invalid"}`
            : "The request is not valid.";
      return sendTranslated(reply, "validation_failed", message, {
        field,
        ...(first?.params && "additionalProperty" in first.params
          ? { unknownField: (first.params as { additionalProperty: string }).additionalProperty }
          : {}),
        ...(first?.params && "duplicateKey" in first.params
          ? { duplicateKey: (first.params as { duplicateKey: string }).duplicateKey }
          : {}),
      });
    }
    switch (error.code) {
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
        return send(reply, "unsupported_media_type");
      case "FST_ERR_CTP_BODY_TOO_LARGE":
        return send(reply, "payload_too_large");
      case "FST_ERR_CTP_EMPTY_JSON_BODY":
        return send(reply, "invalid_json", t("en", "message.empty_body"));
      case "FST_ERR_CTP_INVALID_JSON_BODY":
        return send(reply, "invalid_json");
    }
    if (error.statusCode === 400 && error instanceof SyntaxError) return send(reply, "invalid_json");
    if (error.statusCode === 429) return send(reply, "rate_limited");
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Any other client error Fastify raises (bad URL encoding, bad header): a 4xx, never a 500.
      return reply.status(error.statusCode).send({
        error: {
          code: "bad_request",
          message: errorMessage(languageOfRequest(request), "bad_request", ERROR_CODES.bad_request.message),
        },
      });
    }
    if (isDatabaseUnavailable(error)) {
      // An outage, not a bug: the client may retry shortly, and the pool reconnects by itself.
      request.log.warn({ err: { message: error.message } }, "database unavailable");
      return send(reply.header("retry-after", "5"), "service_unavailable");
    }
    request.log.error({ err: error }, "unhandled error");
    return send(reply, "internal_error");
  });
});
