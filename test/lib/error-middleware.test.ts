import express from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AppError, NotFoundError, TooManyRequestsError, ValidationError } from '../../src/lib/errors.js';
import { errorMiddleware, toAppError } from '../../src/lib/error-middleware.js';
import { viewsDir } from '../../src/lib/paths.js';
import { ensureInterfaceLocals } from '../../src/i18n/index.js';

function appThrowing(error: unknown, exposeInternals = false) {
  const app = express();
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.use(express.json({ limit: '1kb' }));
  app.all('/boom', () => {
    throw error;
  });
  app.get('/api/boom', () => {
    throw error;
  });
  // As the app wires it: the error page is rendered with the interface text (English here).
  app.use(errorMiddleware({ exposeInternals, ensureInterfaceLocals }));
  return app;
}

describe('errorMiddleware', () => {
  it('when a browser hits an AppError, then it renders the error page with its status', async () => {
    const res = await request(appThrowing(new NotFoundError('No such conversation.')))
      .get('/boom')
      .set('Accept', 'text/html');
    expect(res.status).toBe(404);
    expect(res.text).toContain('No such conversation.');
    expect(res.headers['content-type']).toMatch(/html/);
  });

  it('when an API route fails validation, then it answers JSON with field messages', async () => {
    const res = await request(appThrowing(new ValidationError('Bad input.', { text: 'Required.' }))).get('/api/boom');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'validation_failed', message: 'Bad input.', fields: { text: 'Required.' } } });
  });

  it('when an unexpected error happens in production, then its message and stack stay hidden', async () => {
    const res = await request(appThrowing(new Error('database password is hunter2'))).get('/boom').set('Accept', 'text/html');
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('hunter2');
    expect(res.text).toContain('Something went wrong');
  });

  it('when a rate limit is hit, then Retry-After is set', async () => {
    const res = await request(appThrowing(new TooManyRequestsError('Slow down.', 42))).get('/api/boom');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('42');
  });

  it('when the JSON body is too large or malformed, then it answers 413 or 400', async () => {
    const app = appThrowing(new Error('unused'));
    const big = await request(app).post('/boom').set('Content-Type', 'application/json').set('Accept', 'application/json').send(JSON.stringify({ t: 'x'.repeat(2000) }));
    expect(big.status).toBe(413);
    const bad = await request(app).post('/boom').set('Content-Type', 'application/json').set('Accept', 'application/json').send('{nope');
    expect(bad.status).toBe(400);
  });

  it('when mongoose validation or cast errors arrive, then they become 400 with fields', async () => {
    const Model = mongoose.model('ErrorProbe', new mongoose.Schema({ age: { type: Number, required: true } }));
    const invalid = await new Model({}).validate().catch((error: unknown) => error);
    const mapped = toAppError(invalid);
    expect(mapped.status).toBe(400);
    expect(mapped.fields).toHaveProperty('age');
    const cast = toAppError(new mongoose.Error.CastError('ObjectId', 'xyz', '_id'));
    expect(cast.status).toBe(400);
    expect(cast.fields).toHaveProperty('_id');
  });

  it('when a duplicate-key error arrives, then it becomes a 409 conflict', () => {
    const mapped = toAppError(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }));
    expect(mapped.status).toBe(409);
    expect(mapped.code).toBe('conflict');
  });

  it('when an AppError is not operational, then it counts as internal', () => {
    expect(new AppError(500, 'x', 'y', { operational: false }).operational).toBe(false);
    expect(toAppError(new TypeError('x')).operational).toBe(false);
  });
});
