// The frame's calls to Parley's widget API: every call names the site and the host page's origin
// (checked on the server against the registered site), and carries the visitor's token once known.
// No cookie: a frame on another site would not get one anyway.
import { HttpError } from '../lib/http-error.js';

export interface WidgetApi {
  token: string | undefined;
  post<T>(path: string, body: unknown): Promise<T>;
}

export function widgetApi(siteKey: string, hostOrigin: string): WidgetApi {
  const api: WidgetApi = {
    token: undefined,
    async post<T>(path: string, body: unknown): Promise<T> {
      const headers: Record<string, string> = {
        accept: 'application/json', 'content-type': 'application/json', 'x-parley-site': siteKey, 'x-parley-host': hostOrigin,
      };
      if (api.token) headers.authorization = `Bearer ${api.token}`;
      let response: Response;
      try {
        response = await fetch(path, { method: 'POST', credentials: 'omit', headers, body: JSON.stringify(body) });
      } catch {
        throw new HttpError(0, 'The chat server could not be reached.', 'network');
      }
      if (!response.ok) {
        const answer = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
        throw new HttpError(response.status, answer?.error?.message ?? `${path} answered ${response.status}`, answer?.error?.code);
      }
      return (await response.json()) as T;
    },
  };
  return api;
}
