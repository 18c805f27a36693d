/**
 * The reference servers `bench:translate` compares the whole app with, each in its own process
 * like the app: BENCH_APP=echo answers the request body back (what this machine does with no work
 * at all); BENCH_APP=translation-routes serves the translation routes alone behind a stand-in
 * login (translation without the session store, passport, CSRF and the rest of the app).
 */
import express from 'express';
import { loadConfig, type Config } from '../../src/config.js';
import { connectDatabase, disconnectDatabase } from '../../src/lib/database.js';
import { errorMiddleware } from '../../src/lib/error-middleware.js';
import { closeServer, listen } from '../../src/lib/http-server.js';
import { createLogger } from '../../src/lib/logger.js';
import { createTranslationFeature, translationRoutes } from '../../src/translation/index.js';

function echoApp(): express.Express {
  const app = express();
  app.use(express.json({ limit: '128kb' }));
  app.post('/translate', (req, res) => {
    res.json({ response_text: (req.body as { text?: unknown }).text });
  });
  return app;
}

function translationRoutesApp(config: Config): express.Express {
  const translation = createTranslationFeature({ config, logger: createLogger({ level: 'warn' }) });
  const app = express();
  app.use(express.json({ limit: '128kb' }));
  app.use((req, _res, next) => {
    req.user = { id: 'bench-user', username: 'bench', role: 'customer', language: 'ES' };
    next();
  });
  app.use(translationRoutes(translation));
  app.use(errorMiddleware({ exposeInternals: false }));
  return app;
}

const kind = process.env.BENCH_APP;
const config = loadConfig();
if (kind === 'translation-routes' && config.mongodbUri) await connectDatabase(config.mongodbUri);
const app = kind === 'echo' ? echoApp() : translationRoutesApp(config);
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
const server = await listen(app, { port: config.port, host: '127.0.0.1' });
process.once('SIGTERM', () => {
  void closeServer(server, 1_000)
    .then(() => disconnectDatabase())
    .then(() => process.exit(0));
});
