// Same-origin requests from pages: the session cookie travels along and every state-changing
// request carries the CSRF token the server put in <meta name="csrf-token">.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { accept: 'application/json', 'x-csrf-token': csrfToken(), ...extra };
}

/** POSTs JSON and returns the JSON answer; throws HttpError on a non-2xx status. */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: headers({ 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new HttpError(response.status, `${url} answered ${response.status}`);
  return (await response.json()) as T;
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
