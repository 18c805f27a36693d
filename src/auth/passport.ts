import type { Request, RequestHandler } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Role, User, User as ParleyUser } from '../contract/chat.js';
import { isLoginCurrent } from './login-lifetime.js';
import type { UserService } from './user.service.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- augmenting Express' own namespace
  namespace Express {
    // What passport puts on req.user: the contract's one User type.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs an interface
    interface User extends ParleyUser {}
  }
}

export type AuthPassport = InstanceType<typeof Passport>;

export const strategyFor: Record<Role, string> = { customer: 'customer-local', rep: 'rep-local' };

/**
 * A passport of our own (not the global singleton) with one local strategy per role: a
 * customer's credentials never log in through the rep strategy and vice versa.
 */
export function createPassport(users: Pick<UserService, 'authenticate' | 'findActiveAccount'>, absoluteMs: number): AuthPassport {
  const passport = new Passport();
  for (const role of ['customer', 'rep'] as const) {
    passport.use(
      strategyFor[role],
      new LocalStrategy({ usernameField: 'username', passwordField: 'password' }, (username, password, done) => {
        users.authenticate(role, username, password).then(
          (user) => done(null, user ?? false),
          (error: unknown) => done(error),
        );
      }),
    );
  }
  passport.serializeUser<string>((user, done) => done(null, user.id));
  // A deleted or disabled user, or a login past its lifetime or revoked since, deserialises to
  // false, which makes passport drop the login (endDroppedLogins then deletes the session).
  passport.deserializeUser<string>((req: Request, id: string, done: (error: unknown, user?: User | false) => void) => {
    users.findActiveAccount(String(id)).then(
      (account) => done(null, account && isLoginCurrent(req.session.loginAt, account.sessionsValidAfter, absoluteMs) ? account.user : false),
      (error: unknown) => done(error),
    );
  });
  return passport;
}

/**
 * After passport.session(): a session whose login passport dropped is deleted, not kept as an
 * anonymous session (visitors without a login keep no session at all).
 */
export function endDroppedLogins(): RequestHandler {
  return (req, _res, next) => {
    if (req.user || req.session?.loginAt === undefined) return next();
    req.session.destroy((error: unknown) => next(error));
  };
}
