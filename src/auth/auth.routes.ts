import { Router, type Request, type RequestHandler, type Response } from 'express';
import { acceptedLanguage, pageText } from '../i18n/index.js';
import { AppError, type FieldErrors } from '../lib/errors.js';
import type { Role, User } from '../contract/chat.js';
import { languageName } from '../contract/languages.js';
import { homePaths, isSameOriginPath, loginPaths, requireUser } from './guards.js';
import { strategyFor, type AuthPassport } from './passport.js';
import type { createAuthRateLimits } from './rate-limits.js';
import { SESSION_COOKIE } from './session.js';
import { loginFormSchema, parseForm, PASSWORD_RULE, registerFormSchema, USERNAME_RULE } from './user.schemas.js';
import type { UserService } from './user.service.js';

interface AuthRoutesDeps {
  users: UserService;
  passport: AuthPassport;
  rateLimits: ReturnType<typeof createAuthRateLimits>;
  /** Told the user's id once their session is gone (their open sockets are closed then). */
  loggedOut?: (userId: string) => void;
  /** Outside production: the rep login says how to create the first rep while there is none. */
  showSetupHints?: boolean;
}

interface FormState {
  values?: Record<string, string>;
  errors?: FieldErrors;
  message?: string;
  setupHint?: string;
}

const CREATE_REP_COMMAND = 'npm run admin -- rep:create --username NAME --language EN-US';

const roleTitles: Record<Role, string> = { customer: 'auth.loginTitle', rep: 'auth.repLoginTitle' };
const WRONG_CREDENTIALS = 'That username and password do not match an account. Check both and try again.';

export function authRoutes(deps: AuthRoutesDeps): Router {
  const router = Router();
  const signUp = signUpHandlers(deps.users);
  router.get('/auth/customer/register', signUp.show);
  router.post('/auth/customer/register', ...deps.rateLimits.signup, signUp.submit);

  for (const role of ['customer', 'rep'] as const) {
    router.get(loginPaths[role], async (req, res) => {
      const next = isSameOriginPath(req.query.next) ? req.query.next : '';
      const needsFirstRep = role === 'rep' && deps.showSetupHints && !(await deps.users.hasAny('rep'));
      renderLogin(res, role, { values: { next }, setupHint: needsFirstRep ? CREATE_REP_COMMAND : undefined });
    });
    router.post(loginPaths[role], ...deps.rateLimits.login, login(deps.passport, role));
  }

  router.post('/auth/logout', (req, res, next) => {
    const userId = req.user?.id;
    req.session.destroy((error: unknown) => {
      if (error) return next(error);
      if (userId) deps.loggedOut?.(userId);
      res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax' });
      res.redirect(303, '/');
    });
  });

  router.get('/account', requireUser(), async (req, res) => {
    const languages = await deps.users.languages();
    const language = languageName(req.user?.language ?? '', languages);
    res.render('auth/account', { title: pageText(res)('account.title'), account: req.user, language, languages });
  });
  return router;
}

function signUpHandlers(users: UserService): { show: RequestHandler; submit: RequestHandler } {
  const render = async (res: Response, state: FormState = {}) => {
    const languages = await users.languages();
    // A first visit preselects the language the browser asks for (Accept-Language), if it is offered.
    const accepted = acceptedLanguage(res.req);
    const preselected = accepted && languages.some((language) => language.code === accepted) ? { language: accepted } : {};
    res.render('auth/register', {
      title: pageText(res)('auth.registerTitle'),
      languages,
      passwordRule: PASSWORD_RULE,
      usernameRule: USERNAME_RULE,
      values: state.values ?? preselected,
      errors: state.errors ?? {},
      message: state.message,
    });
  };
  const show: RequestHandler = async (_req, res) => render(res);
  const submit: RequestHandler = async (req, res) => {
    const form = parseForm(registerFormSchema, req.body);
    const values = { username: form.username, language: form.language };
    if (form.password !== form.confirmPassword) {
      res.status(400);
      return render(res, { values, errors: { confirmPassword: 'The two passwords are not the same.' } });
    }
    try {
      const user = await users.createUser('customer', form);
      await logIn(req, user);
      res.redirect(303, homePaths.customer);
    } catch (error) {
      if (!(error instanceof AppError) || !error.fields) throw error;
      res.status(error.status);
      return render(res, { values, errors: error.fields, message: 'Please correct the marked fields.' });
    }
  };
  return { show, submit };
}

function renderLogin(res: Response, role: Role, state: FormState = {}): void {
  res.render('auth/login', {
    title: pageText(res)(roleTitles[role]),
    role,
    action: loginPaths[role],
    values: state.values ?? {},
    errors: state.errors ?? {},
    message: state.message,
    setupHint: state.setupHint,
  });
}

function login(passport: AuthPassport, role: Role): RequestHandler {
  return (req, res, next) => {
    const form = parseForm(loginFormSchema, req.body);
    const values = { username: form.username, next: isSameOriginPath(form.next) ? form.next : '' };
    const errors: FieldErrors = {};
    if (!form.username.trim()) errors.username = 'Enter your username.';
    if (!form.password) errors.password = 'Enter your password.';
    if (Object.keys(errors).length) {
      res.status(400);
      return renderLogin(res, role, { values, errors });
    }
    const authenticate = passport.authenticate(strategyFor[role], (error: unknown, user: User | false) => {
      if (error) return next(error);
      if (!user) {
        res.status(401);
        return renderLogin(res, role, { values, message: WRONG_CREDENTIALS });
      }
      logIn(req, user).then(() => res.redirect(303, values.next || homePaths[role]), next);
    }) as RequestHandler;
    authenticate(req, res, next);
  };
}

/**
 * passport's login, which regenerates the session id (no session fixation). The new session
 * records when the login began (its absolute lifetime starts there) and gets
 * its CSRF token here, so the pages a browser then loads at once all read the same token instead
 * of racing to create one each (the last session save would win and the other pages' forms fail).
 * It is saved before answering: express-session would otherwise send the redirect's headers while
 * still saving, and a browser following the redirect at once would read the session without it.
 */
function logIn(req: Request, user: User): Promise<void> {
  return new Promise((done, fail) =>
    req.login(user, (error: unknown) => {
      if (error) return fail(error);
      req.session.loginAt = Date.now();
      req.csrfToken?.();
      req.session.save((saveError: unknown) => (saveError ? fail(saveError) : done()));
    }),
  );
}
