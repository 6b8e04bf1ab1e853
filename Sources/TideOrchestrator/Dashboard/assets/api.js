// Calls to the Tide HTTP API with the operator token. The token lives in sessionStorage (this
// tab only, gone when it closes) and travels only in the Authorization header, never in a URL.

const KEY = "tide.operatorToken";

export function token() { return sessionStorage.getItem(KEY); }
export function setToken(value) { sessionStorage.setItem(KEY, value); }
export function forget() { sessionStorage.removeItem(KEY); }

/** The server refused the token (401 or 403): back to the login page with its message. */
export class AuthError extends Error {}

/** Any other error answer, with the server's message. */
export class APIError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function message(response) {
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) return body.error.message;
  } catch (_) { /* not JSON */ }
  return `${response.status} ${response.statusText}`;
}

/** GET (or another method with options) a path under /api/v1; answers parsed JSON. */
export async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  headers.set("Authorization", "Bearer " + (token() || ""));
  headers.set("Accept", "application/json");
  const response = await fetch("/api/v1/" + path, { ...options, headers, cache: "no-store", credentials: "omit" });
  if (response.status === 401 || response.status === 403) throw new AuthError(await message(response));
  if (!response.ok) throw new APIError(response.status, await message(response));
  return JSON.parse(await response.text(), exact);
}

/** Integers beyond 2^53 keep every digit (the API's numbers are exact): BigInt from their source text. */
function exact(key, value, context) {
  if (typeof value === "number" && !Number.isSafeInteger(value) && context && /^-?\d+$/.test(context.source)) {
    return BigInt(context.source);
  }
  return value;
}

export function path(...parts) { return parts.map(encodeURIComponent).join("/"); }
