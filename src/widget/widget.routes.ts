import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { ZodType } from 'zod';
import { builtInTargetLanguages } from '../contract/languages.js';
import { acceptedLanguage, ensureInterfaceLocals, type InterfaceLocals } from '../i18n/index.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../lib/errors.js';
import { allowCrossOriginScript, allowFramingBy } from './frame-headers.js';
import { originOf } from './origin.js';
import { siteService } from './site.service.js';
import { userOf } from './visitor.service.js';
import { frameQuerySchema, languageChangeSchema, languageSchema, sessionSchema, startSchema } from './widget.schemas.js';
import type { VisitorContext, WidgetCaller, WidgetService } from './widget.service.js';

export interface WidgetRoutesDeps {
  service: WidgetService;
  /** POST /translate as signed-in users have it, mounted under /widget/api for visitors. */
  translationRoutes: Router;
  /** Checked before it: the visitor's own language, and characters per client address. */
  translateAllowance: RequestHandler;
  /** Limits new sessions per client address (each may create a visitor). */
  sessionLimit: RequestHandler;
  /** The built loader (public/js/widget.js). */
  loaderFile: string;
  /** /widget/demo exists in development only. */
  demo: boolean;
  interfaceFor?: InterfaceFor;
}

/** The view locals (t, the client catalog, <html lang>) for a DeepL target language. */
export type InterfaceFor = (code: string) => Promise<InterfaceLocals>;

/** The app's own origin as the browser sees it (behind a trusted proxy, the forwarded one). */
const ownOrigin = (req: Request): string => `${req.protocol}://${req.host}`;

/** The frame names its site and the host page's origin on every call. */
const callerOf = (req: Request): WidgetCaller => ({ siteKey: req.get('x-parley-site'), hostOrigin: req.get('x-parley-host') });

const visitorOf = (res: Response): VisitorContext => res.locals.widgetVisitor as VisitorContext;

function parse<T>(schema: ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0] ?? 'body'), issue.message]));
    throw new ValidationError('That request is not valid.', fields);
  }
  return parsed.data;
}

/**
 * Widget API calls come from the frame, which Parley serves: their Origin is Parley's own. A page
 * of any other site calling the API directly (its scripts, the host page's included) is refused,
 * and no CORS header ever lets a browser read an answer cross-origin.
 */
function fromFrameOnly(req: Request, _res: Response, next: NextFunction): void {
  next(req.get('origin') === ownOrigin(req) ? undefined : new ForbiddenError('Widget calls are accepted from the Parley chat frame only.'));
}

function visitorAuth(service: WidgetService): RequestHandler {
  return async (req, res, next) => {
    const token = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    const context = await service.authenticate(token, callerOf(req));
    res.locals.widgetVisitor = context;
    req.user = userOf(context.visitor);
    res.set('Cache-Control', 'no-store');
    next();
  };
}

/**
 * The frame shows the API's refusals as they come, so they are in the visitor's language: theirs
 * once the session is known, else the one the frame sends, else the browser's.
 */
function readerLanguage(interfaceFor: InterfaceFor | undefined): RequestHandler {
  return async (req, res, next) => {
    const sent = languageSchema.safeParse((req.body as { language?: unknown } | undefined)?.language);
    const language = req.user?.language ?? (sent.success ? sent.data : undefined) ?? acceptedLanguage(req);
    if (interfaceFor && language) Object.assign(res.locals, await interfaceFor(language));
    next();
  };
}

function apiRoutes(deps: WidgetRoutesDeps): Router {
  const { service } = deps;
  const api = Router();
  const inReaderLanguage = readerLanguage(deps.interfaceFor);
  api.use(fromFrameOnly, express.json({ limit: '128kb' }), inReaderLanguage);
  api.post('/session', deps.sessionLimit, async (req, res) => {
    const input = parse(sessionSchema, req.body);
    const session = await service.openSession(callerOf(req), input);
    res.set('Cache-Control', 'no-store').json(session);
  });
  api.use(visitorAuth(service), inReaderLanguage);
  api.post('/conversation', async (req, res) => {
    res.json(await service.start(visitorOf(res), parse(startSchema, req.body)));
  });
  api.post('/language', async (req, res) => {
    res.json(await service.setLanguage(visitorOf(res), parse(languageChangeSchema, req.body).language));
  });
  api.post('/translate', deps.translateAllowance);
  api.use(deps.translationRoutes);
  return api;
}

/**
 * The embeddable widget: the loader script other sites include, the chat frame (framed by the
 * site's origin only), the visitor API it calls, and a demo page in development.
 */
export function widgetRoutes(deps: WidgetRoutesDeps): Router {
  const router = Router();
  router.get('/widget.js', (_req, res) => {
    allowCrossOriginScript(res);
    res.sendFile(deps.loaderFile, { maxAge: '5m', headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
  });

  router.get('/widget/frame', async (req, res) => {
    const query = frameQuerySchema.safeParse(req.query);
    // No signed-in user here: the language the visitor chose (the frame reloads with it), else the browser's.
    const language = query.data?.lang ?? acceptedLanguage(req);
    if (deps.interfaceFor && language) Object.assign(res.locals, await deps.interfaceFor(language));
    ensureInterfaceLocals(res);
    const site = query.success ? await siteService.find(query.data.site) : undefined;
    // An unknown site gets the error page, which keeps frame-ancestors 'none': nobody may frame it.
    if (!site) throw new NotFoundError('The chat is not enabled on this website.');
    allowFramingBy(res, site.origin);
    res.set('Cache-Control', 'no-store');
    res.render('widget/frame', { site: { key: site.key, origin: site.origin }, languages: builtInTargetLanguages });
  });

  if (deps.demo) {
    router.get('/widget/demo', async (req, res) => {
      const origin = originOf(ownOrigin(req)) ?? '';
      const site = (await siteService.list()).find((candidate) => candidate.origin === origin);
      res.render('widget/demo', { title: 'Widget demo', origin, siteKey: site?.key });
    });
  }

  router.use('/widget/api', apiRoutes(deps));
  return router;
}
