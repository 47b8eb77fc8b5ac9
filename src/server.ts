import { type ServerType, serve } from '@hono/node-server';
import pino from 'pino';
import { createApp, createOperationsApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';
import { startVetted } from './vetted.ts';

/**
 * `npm start`: the API, with the job workers unless WORKERS=0. `npm run worker` (`--worker`): the
 * job workers and reconciliation only, answering just /healthz, /readyz and /metrics on PORT.
 */
const workerOnly = process.argv.includes('--worker');

async function main(): Promise<void> {
  const config = loadConfig();
  if (workerOnly && !config.DATABASE_URL)
    throw new ConfigError(
      'npm run worker needs DATABASE_URL: an embedded database serves one process, and npm start runs the workers itself.',
    );
  const log = pino({ level: config.LOG_LEVEL });
  const unlock = config.DATABASE_URL ? () => {} : lockDataDir(config.DATA_DIR);
  const vetted = await startVetted(config, {
    log,
    bootstrapAdmin: false,
    workers: workerOnly || config.WORKERS,
  }).catch((error: unknown) => {
    unlock();
    throw error;
  });
  const app = workerOnly ? createOperationsApp(vetted.deps) : createApp(vetted.deps);
  let server: ServerType;
  try {
    server = await listen(app.fetch, config);
  } catch (error) {
    await vetted.stop();
    unlock();
    throw error;
  }
  log.info(
    {
      port: listeningPort(server),
      database: config.DATABASE_URL ? 'postgres' : `pglite:${config.DATA_DIR}`,
      mode: workerOnly ? 'worker' : config.WORKERS ? 'api+workers' : 'api',
    },
    'Vetted is listening',
  );
  // Only now: a start that could not listen must not create a key it never shows.
  const bootstrapKey = workerOnly ? undefined : await vetted.bootstrapAdmin();
  if (bootstrapKey) {
    process.stdout.write(
      `\nAn admin API key was created for this installation. It is shown only this once:\n\n  ${bootstrapKey}\n\n` +
        `Use it as: Authorization: Bearer ${bootstrapKey}\n\n`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests and jobs');
    const timer = setTimeout(() => {
      log.error('shutdown timed out');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 5000);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await vetted.stop();
    unlock();
    clearTimeout(timer);
    log.info('stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

class ListenError extends Error {}

/**
 * Listens with deliberate timeouts: Node's defaults let a slow client hold a connection for
 * 300 s. Node checks them on an interval, so that interval is kept short too.
 */
function listen(fetch: Parameters<typeof serve>[0]['fetch'], config: Config): Promise<ServerType> {
  const headersTimeout = Math.min(config.HEADERS_TIMEOUT_MS, config.REQUEST_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch,
        port: config.PORT,
        hostname: config.HOST,
        serverOptions: {
          headersTimeout,
          requestTimeout: config.REQUEST_TIMEOUT_MS,
          keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
          connectionsCheckingInterval: Math.min(1000, headersTimeout),
        },
      },
      () => resolve(server),
    );
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${config.HOST}:${config.PORT}`;
      if (error.code === 'EADDRINUSE')
        reject(new ListenError(`Vetted cannot listen on ${where}: the port is already in use.`));
      else if (error.code === 'EACCES')
        reject(new ListenError(`Vetted cannot listen on ${where}: permission denied.`));
      else reject(error);
    });
  });
}

function listeningPort(server: ServerType): number | undefined {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : undefined;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof ListenError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Vetted failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exitCode = 1;
});
