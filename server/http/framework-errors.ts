// Errors the router raises before any hook runs (a bad percent-encoding, an overlong parameter)
// still leave in the error model, with the API's headers and without the path.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ERROR_CODES } from "../errors.js";
import { negotiateLanguage } from "../i18n/languages.js";
import { errorMessage } from "../i18n/translate.js";

export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
  const language = negotiateLanguage(request.headers["accept-language"]);
  reply
    .headers({
      "cache-control": "no-store",
      "x-request-id": String(request.id),
      "x-content-type-options": "nosniff",
      "referrer-policy": "same-origin",
      "content-security-policy": "default-src 'self'; frame-ancestors 'none'",
    })
    .status(tooLong ? 404 : 400)
    .send({
      error: tooLong
        ? { code: "not_found", message: errorMessage(language, "not_found", ERROR_CODES.not_found.message) }
        : {
            code: "bad_request",
            message: errorMessage(language, "bad_request", ERROR_CODES.bad_request.message),
          },
    });
}
