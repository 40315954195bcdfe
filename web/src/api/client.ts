// The one API client of the web app, typed by path from the generated schema (openapi-fetch):
// same-origin cookies, JSON in and out, every non-2xx answer turned into an ApiError, and a
// `step_up_required` answer retried once the user verified.
import createClient from "openapi-fetch";
import { currentLanguage, i18next } from "../i18n";
import type { paths } from "./schema";
import type { ApiErrorBody, ErrorCode } from "./types";

/** Failures that never reached the API (`network_error`) or came back without its error body. */
type ClientErrorCode = "network_error" | "http_error";

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: ErrorCode | ClientErrorCode;
  /** The error's `details` (and any other fields besides `code` and `message`), e.g. `attemptsLeft`. */
  readonly details: Record<string, unknown>;
  /** From the `Retry-After` header of a 429, in seconds. */
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    code: ErrorCode | ClientErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

function parseRetryAfter(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const body = await readJson(response);
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
  if (isErrorBody(body)) {
    // The server nests extra fields under `details` ({code, message, details: {attemptsLeft}});
    // fields beside `code` are accepted too, so both shapes of SPEC §3 read the same.
    const { code, message, details, ...besides } = body.error;
    const nested = typeof details === "object" && details !== null && !Array.isArray(details) ? details : {};
    return new ApiError(response.status, code, message, { ...besides, ...nested }, retryAfter);
  }
  return new ApiError(
    response.status,
    "http_error",
    i18next.t("http", { ns: "errors", status: response.status }),
    {},
    retryAfter,
  );
}

/**
 * Asks the user to pass email verification after `error` (a `403 step_up_required`) for the company
 * the refused call named (an elevation holds in that company only; null for account-level changes):
 * resolves `true` once verified (the session cookie is then rotated and fresh), `false` if the user
 * gave up.
 */
export type StepUpHandler = (error: ApiError, companyId: string | null) => Promise<boolean>;

let stepUpHandler: StepUpHandler | null = null;

/** Installed by the StepUpProvider; without one, `step_up_required` reaches the caller as is. */
export function setStepUpHandler(handler: StepUpHandler | null): void {
  stepUpHandler = handler;
}

export function isStepUpRequired(error: unknown): error is ApiError {
  return isApiError(error) && error.status === 403 && error.code === "step_up_required";
}

/** The company a call's path names (`/api/companies/{cid}/…`), or null. */
export function companyOfPath(path: string): string | null {
  const match = /^\/api\/companies\/([^/?#]+)/.exec(path);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

/** The handler's answer, unless the caller stops waiting first (an unmounted query). */
function waitForStepUp(
  handler: StepUpHandler,
  error: ApiError,
  companyId: string | null,
  signal: AbortSignal,
) {
  signal.throwIfAborted();
  return new Promise<boolean>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    handler(error, companyId)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function send(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(0, "network_error", i18next.t("network", { ns: "errors" }));
  }
}

/** The server accepts state changes only as JSON, so a change without a body sends `{}`. */
function withJsonBody(request: Request): Request {
  if (request.method === "GET" || request.headers.has("Content-Type")) return request;
  const headers = new Headers(request.headers);
  headers.set("Content-Type", "application/json");
  return new Request(request, { body: "{}", headers });
}

/** The server writes its error messages in the page's language, which may not be the browser's. */
function inPageLanguage(request: Request): Request {
  request.headers.set("Accept-Language", currentLanguage());
  return request;
}

/** Every answer that is not a success leaves as an ApiError, after a step-up when the server asks for one. */
function fetchAnswering({ skipStepUp }: { skipStepUp: boolean }) {
  return async (input: Request): Promise<Response> => {
    const request = inPageLanguage(withJsonBody(input));
    // Kept unread for the retry: the first attempt consumes the request's body.
    const retry = request.clone();
    let response = await send(request);
    if (response.ok) return response;
    const error = await toApiError(response);
    const handler = stepUpHandler;
    if (!isStepUpRequired(error) || skipStepUp || handler === null) throw error;
    // Cancelling the verification fails the call with the server's own answer.
    const companyId = companyOfPath(new URL(request.url).pathname);
    if (!(await waitForStepUp(handler, error, companyId, request.signal))) throw error;
    // Retried once: a second `step_up_required` goes to the caller rather than around in a loop.
    response = await send(retry);
    if (!response.ok) throw await toApiError(response);
    return response;
  };
}

/** Calls that never ask for a step-up themselves (the verification's own): `api.POST(path, { ...noStepUp })`. */
export const noStepUp = { fetch: fetchAnswering({ skipStepUp: true }) };

/**
 * The API, typed by path from the generated schema: `api.GET("/api/companies/{cid}/members", …)`.
 * Same-origin cookies, JSON in and out; a failure rejects with an ApiError, so `data` is the answer.
 */
export const api = createClient<paths>({
  credentials: "same-origin",
  headers: { Accept: "application/json" },
  fetch: fetchAnswering({ skipStepUp: false }),
  querySerializer: (query) => queryString(query as Record<string, string | number | undefined>),
});

/** The body of a successful call of `api` (its failures were thrown as ApiError). */
export async function dataOf<Data>(call: Promise<{ data?: Data; response: Response }>): Promise<Data> {
  const { data, response } = await call;
  if (data === undefined) {
    throw new ApiError(
      response.status,
      "http_error",
      i18next.t("noBody", { ns: "errors", status: response.status }),
    );
  }
  return data;
}

/** Waits for a call whose success has no body (`204`, `202`). */
export async function noContent(call: Promise<unknown>): Promise<void> {
  await call;
}

/** A query string from the set fields of `query` ("" when none), e.g. `?status=paid&limit=20`. */
export function queryString(query: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

/** Builds an API path, escaping each dynamic segment: `apiPath("companies", id, "account")`. */
export function apiPath(...segments: string[]): string {
  return `/api/${segments.map(encodeURIComponent).join("/")}`;
}
