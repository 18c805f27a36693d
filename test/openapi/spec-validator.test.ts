import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { rejectRequestsOutsideSpec } from '../support/openapi/express.js';
import {
  deeplSpecPath,
  loadSpecValidator,
  twilioConversationsSpecPath,
  type SpecRequest,
} from '../support/openapi/spec-validator.js';

const FORM = 'application/x-www-form-urlencoded';
const SERVICE_SID = 'IS' + 'a'.repeat(32);

const twilio = () => loadSpecValidator(twilioConversationsSpecPath());
const deepl = () => loadSpecValidator(deeplSpecPath());
const post = (path: string, body: unknown, contentType = FORM): SpecRequest => ({ method: 'POST', path, query: {}, contentType, body });

describe('Twilio Conversations spec validator', () => {
  it('when a create-conversation form body is valid, then it passes with the operation id', () => {
    const check = twilio().check(post('/v1/Conversations', { UniqueName: 'support-1', FriendlyName: 'Ana', State: 'active' }));
    expect(check).toEqual({ ok: true, operationId: 'CreateConversation', pathTemplate: '/v1/Conversations', pathParams: {} });
  });

  it('when a form body has an unknown parameter, then it is a 400 naming it', () => {
    const check = twilio().check(post('/v1/Conversations', { FriendlyName: 'Ana', Bogus: '1' }));
    expect(check).toMatchObject({ ok: false, status: 400 });
    expect(!check.ok && check.errors.join()).toMatch(/Bogus/);
  });

  it('when an enum value is not in the spec, then it is a 400', () => {
    const check = twilio().check(post('/v1/Conversations', { State: 'sleeping' }));
    expect(check).toMatchObject({ ok: false, status: 400 });
  });

  it('when the method is not defined for a known path, then it is a 405', () => {
    const check = twilio().check({ method: 'PUT', path: '/v1/Conversations', query: {} });
    expect(check).toMatchObject({ ok: false, status: 405 });
  });

  it('when the path is unknown, then it is a 404', () => {
    expect(twilio().check({ method: 'GET', path: '/v1/Nope', query: {} })).toMatchObject({ ok: false, status: 404 });
  });

  it('when a path has parameters, then they are matched and returned', () => {
    const check = twilio().check({ method: 'GET', path: '/v1/Conversations/CH123', query: {} });
    expect(check).toMatchObject({ ok: true, operationId: 'FetchConversation', pathParams: { Sid: 'CH123' } });
  });

  it('when a path parameter breaks its pattern, then it is a 400', () => {
    const check = twilio().check(post('/v1/Services/XX1/Roles', { FriendlyName: 'r', Type: 'service', Permission: 'x' }));
    expect(check).toMatchObject({ ok: false, status: 400 });
  });

  it('when query values are strings, then they are coerced per schema and checked', () => {
    const valid = twilio().check({ method: 'GET', path: '/v1/Conversations', query: { PageSize: '50', State: 'active' } });
    expect(valid).toMatchObject({ ok: true, operationId: expect.any(String) });
    const tooBig = twilio().check({ method: 'GET', path: '/v1/Conversations', query: { PageSize: '500' } });
    expect(tooBig).toMatchObject({ ok: false, status: 400 });
    const notNumber = twilio().check({ method: 'GET', path: '/v1/Conversations', query: { PageSize: 'many' } });
    expect(notNumber).toMatchObject({ ok: false, status: 400 });
  });

  it('when a role is created with repeated Permission keys, then it passes', () => {
    const body = { FriendlyName: 'rep', Type: 'service', Permission: ['addParticipant', 'sendMessage'] };
    expect(twilio().check(post('/v1/Roles', body))).toMatchObject({ ok: true, operationId: 'CreateRole' });
    const serviceRole = twilio().check(post(`/v1/Services/${SERVICE_SID}/Roles`, body));
    expect(serviceRole).toMatchObject({ ok: true, pathParams: { ChatServiceSid: SERVICE_SID } });
  });

  it('when a role lacks its required Type, then it is a 400 naming Type', () => {
    const check = twilio().check(post('/v1/Roles', { FriendlyName: 'rep', Permission: 'sendMessage' }));
    expect(check).toMatchObject({ ok: false, status: 400 });
    expect(!check.ok && check.errors.join()).toMatch(/Type/);
  });

  it('when the content type is not offered by the spec, then it is a 415', () => {
    const check = twilio().check(post('/v1/Conversations', { FriendlyName: 'Ana' }, 'application/json'));
    expect(check).toMatchObject({ ok: false, status: 415 });
  });
});

describe('DeepL spec validator', () => {
  it('when /v2/translate gets a valid JSON body, then it passes', () => {
    const check = deepl().check(post('/v2/translate', { text: ['hi'], target_lang: 'DE' }, 'application/json; charset=utf-8'));
    expect(check).toEqual({ ok: true, operationId: 'translateText', pathTemplate: '/v2/translate', pathParams: {} });
  });

  it('when target_lang is missing, then it is a 400 naming it', () => {
    const check = deepl().check(post('/v2/translate', { text: ['hi'] }, 'application/json'));
    expect(check).toMatchObject({ ok: false, status: 400 });
    expect(!check.ok && check.errors.join()).toMatch(/target_lang/);
  });

  it('when a JSON body gives a string where the spec wants an array, then it is a 400 (no coercion for JSON)', () => {
    const check = deepl().check(post('/v2/translate', { text: 'hi', target_lang: 'DE' }, 'application/json'));
    expect(check).toMatchObject({ ok: false, status: 400 });
  });

  it('when /v2/translate gets a form body, then single and repeated text keys pass', () => {
    expect(deepl().check(post('/v2/translate', { text: 'hi', target_lang: 'DE' }))).toMatchObject({ ok: true });
    expect(deepl().check(post('/v2/translate', { text: ['hi', 'bye'], target_lang: 'DE' }))).toMatchObject({ ok: true });
  });

  it('when a form body sends a boolean as 1 (as deepl-node does), then it passes without touching the body', () => {
    const body = { text: 'hi', target_lang: 'DE', show_billed_characters: '1' };
    expect(deepl().check(post('/v2/translate', body))).toMatchObject({ ok: true });
    expect(body).toEqual({ text: 'hi', target_lang: 'DE', show_billed_characters: '1' });
    const notFlag = deepl().check(post('/v2/translate', { ...body, show_billed_characters: 'maybe' }));
    expect(notFlag).toMatchObject({ ok: false, status: 400 });
  });

  it('when GET /v2/languages asks for target languages, then it passes; an unknown type is a 400', () => {
    const languages = (type: string) => deepl().check({ method: 'GET', path: '/v2/languages', query: { type } });
    expect(languages('target')).toMatchObject({ ok: true, operationId: 'getLanguagesV2' });
    expect(languages('sideways')).toMatchObject({ ok: false, status: 400 });
  });

  it('when the fake is mounted under a base path, then paths are matched below it', () => {
    const validator = loadSpecValidator(deeplSpecPath(), { basePath: '/deepl' });
    expect(validator.check({ method: 'GET', path: '/deepl/v2/usage', query: {} })).toMatchObject({ ok: true });
    expect(validator.check({ method: 'GET', path: '/v2/usage', query: {} })).toMatchObject({ ok: false, status: 404 });
  });
});

describe('path matching', () => {
  const specFile = join(mkdtempSync(join(tmpdir(), 'parley-spec-')), 'items.json');
  const operation = (operationId: string) => ({ operationId, responses: {} });
  writeFileSync(
    specFile,
    JSON.stringify({
      openapi: '3.0.1',
      paths: {
        '/items/{id}': { get: operation('getItem'), delete: operation('deleteItem') },
        '/items/special': { get: operation('getSpecial') },
        '/{kind}/special': { get: operation('getKindSpecial') },
      },
    }),
  );
  const check = (method: string, path: string) => loadSpecValidator(specFile).check({ method, path, query: {} });

  it('when a literal and a parameter both fit, then the literal template wins', () => {
    expect(check('GET', '/items/special')).toMatchObject({ ok: true, operationId: 'getSpecial' });
    expect(check('GET', '/items/42')).toMatchObject({ ok: true, operationId: 'getItem', pathParams: { id: '42' } });
    expect(check('GET', '/things/special')).toMatchObject({ ok: true, operationId: 'getKindSpecial' });
  });

  it('when only a less specific template has the method, then that one is used', () => {
    expect(check('DELETE', '/items/special')).toMatchObject({ ok: true, operationId: 'deleteItem' });
  });

  it('when path segments are percent-encoded, then parameters come back decoded', () => {
    expect(check('GET', '/items/a%20b')).toMatchObject({ pathParams: { id: 'a b' } });
  });
});

describe('rejectRequestsOutsideSpec', () => {
  const app = express();
  app.use(rejectRequestsOutsideSpec(twilio()));
  app.use((_req, res) => {
    res.json(res.locals.spec);
  });

  it('when a real form post fits the spec, then the handler sees the matched operation', async () => {
    const response = await request(app).post('/v1/Roles').type('form').send('FriendlyName=rep&Type=service&Permission=a&Permission=b');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ operationId: 'CreateRole', pathTemplate: '/v1/Roles', pathParams: {} });
  });

  it('when a form post has an unknown parameter, then it answers 400 with message and errors', async () => {
    const response = await request(app).post('/v1/Conversations').type('form').send('FriendlyName=Ana&Bogus=1');
    expect(response.status).toBe(400);
    expect(response.body.errors.join()).toMatch(/Bogus/);
    expect(typeof response.body.message).toBe('string');
  });

  it('when the path is unknown, then it answers 404 before any handler runs', async () => {
    const response = await request(app).get('/v1/Nope');
    expect(response.status).toBe(404);
  });
});
