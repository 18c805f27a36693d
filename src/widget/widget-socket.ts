import type { User } from '../contract/chat.js';
import type { SocketAccess } from '../realtime/index.js';
import { userOf, visitorService } from './visitor.service.js';
import type { WidgetService } from './widget.service.js';

/** What the frame's socket sends in its handshake (`io({ auth })`): no cookie reaches a third-party frame. */
export interface WidgetHandshake {
  widgetToken: string;
  site: string;
  host: string;
}

const SESSION_PREFIX = 'widget:';

export const isWidgetHandshake = (auth: unknown): auth is WidgetHandshake =>
  typeof auth === 'object' && auth !== null && typeof (auth as Record<string, unknown>).widgetToken === 'string';

/** The visitor a frame's socket speaks for; its "session" is the token's digest, re-checked like any sign-in. */
export function widgetSocketAuthenticator(service: WidgetService) {
  return async (auth: unknown): Promise<{ user: User; sessionId: string } | undefined> => {
    if (!isWidgetHandshake(auth)) return undefined;
    const context = await service.authenticate(auth.widgetToken, { siteKey: auth.site, hostOrigin: auth.host }).catch(() => undefined);
    return context && { user: userOf(context.visitor), sessionId: `${SESSION_PREFIX}${context.digest}` };
  };
}

/**
 * The accounts feature's sign-in checks, with widget connections answered here: a visitor stays
 * signed in while their token exists and their site is registered (removing the site ends them).
 */
export function withWidgetSignIns(access: SocketAccess): SocketAccess {
  const isWidget = (sessionId: string) => sessionId.startsWith(SESSION_PREFIX);
  const widgetActive = (sessionId: string) => visitorService.isActive(sessionId.slice(SESSION_PREFIX.length));
  return {
    isSignedIn: (userId, sessionId) => (isWidget(sessionId) ? widgetActive(sessionId) : access.isSignedIn(userId, sessionId)),
    async signedInAmong(pairs) {
      const widgetPairs = pairs.filter((pair) => isWidget(pair.sessionId));
      const [signedIn, active] = await Promise.all([
        access.signedInAmong(pairs.filter((pair) => !isWidget(pair.sessionId))),
        Promise.all(widgetPairs.map((pair) => widgetActive(pair.sessionId))),
      ]);
      widgetPairs.forEach((pair, index) => active[index] && signedIn.add(`${pair.userId} ${pair.sessionId}`));
      return signedIn;
    },
    onLogout: (listener) => access.onLogout(listener),
  };
}
