// The API key and authenticated requests. The key lives in sessionStorage:
// it survives a reload of this tab, and is gone when the tab closes.

const STORAGE_KEY = 'adstream.apiKey';

export function storedKey() {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(key) {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(STORAGE_KEY);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export function authHeaders() {
  return { authorization: `Bearer ${storedKey() ?? ''}` };
}

/** GET a JSON API path with query parameters; throws ApiError with the server's message. */
export async function apiGet(path, params = {}, signal) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  const res = await fetch(url, { headers: authHeaders(), signal });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (typeof body.message === 'string') message = body.message;
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      // Not a JSON error body: keep the status line.
    }
    throw new ApiError(res.status, message);
  }
  return res.json();
}
