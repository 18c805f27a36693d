// The frame's line to the loader on the host page: a MessagePort the loader hands over once, in a
// message only this app's origin can receive. The frame accepts it only from its site's origin and
// from its own parent, so another page framing us (frame-ancestors forbids it anyway) cannot talk.

/** What the loader tells the frame. */
export type FromHost =
  | { type: 'connect'; open: boolean; page: string; identity?: { id: string; hash?: string }; token?: string }
  /** `focus`: the visitor opened it (focus moves in); a page load that restores it open does not. */
  | { type: 'open'; focus?: boolean }
  | { type: 'closed' };

/** What the frame tells the loader. */
export type ToHost = { type: 'ready' } | { type: 'unread'; count: number } | { type: 'close' } | { type: 'active' } | { type: 'keep'; token: string };

export interface HostLink {
  connect: Extract<FromHost, { type: 'connect' }>;
  send(message: ToHost): void;
  onMessage(listener: (message: FromHost) => void): void;
}

const isConnect = (data: unknown): data is Extract<FromHost, { type: 'connect' }> =>
  typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'connect' && typeof (data as { page?: unknown }).page === 'string';

/** Waits for the loader's hand-over; answers the link. */
export function waitForHost(siteOrigin: string): Promise<HostLink> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      const [port] = event.ports;
      if (event.origin !== siteOrigin || event.source !== window.parent || !port || !isConnect(event.data)) return;
      window.removeEventListener('message', onMessage);
      const listeners: ((message: FromHost) => void)[] = [];
      port.onmessage = (portEvent: MessageEvent<FromHost>) => listeners.forEach((listener) => listener(portEvent.data));
      resolve({ connect: event.data, send: (message) => port.postMessage(message), onMessage: (listener) => listeners.push(listener) });
    };
    window.addEventListener('message', onMessage);
  });
}
