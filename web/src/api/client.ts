// The one fetch wrapper of the web client: same-origin cookies, JSON in and out, every non-2xx
// answer turned into an ApiError, and a `step_up_required` answer retried once the user verified.
import type { ApiErrorBody } from "./types";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: string;
  /** The error's `details` (and any other fields besides `code` and `message`), e.g. `attemptsLeft`. */
  readonly details: Record<string, unknown>;
  /** From the `Retry-After` header of a 429, in seconds. */
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    code: string,
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
    `The request failed (HTTP ${response.status}).`,
    {},
    retryAfter,
  );
}

interface RequestOptions {
  signal?: AbortSignal | undefined;
  /** Answer `step_up_required` with the error instead of asking for verification. */
  skipStepUp?: boolean;
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
  signal: AbortSignal | undefined,
) {
  if (signal === undefined) return handler(error, companyId);
  signal.throwIfAborted();
  return new Promise<boolean>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    handler(error, companyId)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(
      0,
      "network_error",
      "The server could not be reached. Check your connection and try again.",
    );
  }
}

async function request<T>(method: Method, path: string, body: unknown, options: RequestOptions): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const init: RequestInit = { method, headers, credentials: "same-origin", signal: options.signal ?? null };
  // The server accepts state changes only as JSON, so they always carry a JSON body.
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body ?? {});
  }

  let response = await send(path, init);
  if (!response.ok) {
    const error = await toApiError(response);
    const handler = stepUpHandler;
    if (!isStepUpRequired(error) || options.skipStepUp || handler === null) throw error;
    // Cancelling the verification fails the call with the server's own answer.
    if (!(await waitForStepUp(handler, error, companyOfPath(path), options.signal))) throw error;
    // Retried once: a second `step_up_required` goes to the caller rather than around in a loop.
    response = await send(path, init);
    if (!response.ok) throw await toApiError(response);
  }
  return (await readJson(response)) as T;
}

export const apiClient = {
  get: <T>(path: string, options: RequestOptions = {}) => request<T>("GET", path, undefined, options),
  post: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    request<T>("POST", path, body, options),
  put: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    request<T>("PUT", path, body, options),
  patch: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    request<T>("PATCH", path, body, options),
  delete: <T>(path: string, body?: unknown, options: RequestOptions = {}) =>
    request<T>("DELETE", path, body, options),
};

/** Builds an API path, escaping each dynamic segment: `apiPath("companies", id, "account")`. */
export function apiPath(...segments: string[]): string {
  return `/api/${segments.map(encodeURIComponent).join("/")}`;
}
