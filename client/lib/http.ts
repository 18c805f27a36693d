// Same-origin requests from pages: the session cookie travels along and every state-changing
// request carries the CSRF token the server put in <meta name="csrf-token">.
import { HttpError } from './http-error.js';

export { HttpError };

export function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { accept: 'application/json', 'x-csrf-token': csrfToken(), ...extra };
}

async function failure(url: string, response: Response): Promise<HttpError> {
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  return new HttpError(response.status, body?.error?.message ?? `${url} answered ${response.status}`, body?.error?.code);
}

/** A fetch that turns a network failure into HttpError(0) and a non-2xx answer into HttpError. */
async function requestJson<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', ...init });
  } catch {
    throw new HttpError(0, 'The server could not be reached.', 'network');
  }
  if (!response.ok) throw await failure(url, response);
  return (await response.json()) as T;
}

export function getJson<T>(url: string): Promise<T> {
  return requestJson<T>(url, { headers: { accept: 'application/json' } });
}

/** POSTs JSON and returns the JSON answer; throws HttpError on a non-2xx status. */
export function postJson<T>(url: string, body: unknown): Promise<T> {
  return requestJson<T>(url, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
}

/** Submits what a server-rendered form would (the server answers with a redirect we follow). */
export async function postAction(url: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: headers({ 'content-type': 'application/x-www-form-urlencoded' }),
    body: new URLSearchParams({ _csrf: csrfToken() }).toString(),
  });
  if (!response.ok) throw new HttpError(response.status, `${url} answered ${response.status}`);
}
