import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Role } from '../contract/chat.js';
import type { SessionUser, UserService } from './user.service.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- augmenting Express' own namespace
  namespace Express {
    // What passport puts on req.user: see SessionUser.
    interface User {
      id: string;
      username: string;
      role: Role;
      language: string;
    }
  }
}

export type AuthPassport = InstanceType<typeof Passport>;

export const strategyFor: Record<Role, string> = { customer: 'customer-local', rep: 'rep-local' };

/**
 * A passport of our own (not the global singleton) with one local strategy per role: a
 * customer's credentials never log in through the rep strategy and vice versa.
 */
export function createPassport(users: Pick<UserService, 'authenticate' | 'findActiveUser'>): AuthPassport {
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
  // A deleted or disabled user deserialises to false, which makes passport drop the login.
  passport.deserializeUser<string>((id, done) => {
    users.findActiveUser(String(id)).then(
      (user: SessionUser | null) => done(null, user ?? false),
      (error: unknown) => done(error),
    );
  });
  return passport;
}
