import { serve } from '@hono/node-server';
import pino from 'pino';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';
import { startVetted } from './vetted.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL });
  const unlock = config.DATABASE_URL ? () => {} : lockDataDir(config.DATA_DIR);
  const vetted = await startVetted(config, { log }).catch((error: unknown) => {
    unlock();
    throw error;
  });
  const app = createApp(vetted.deps);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    log.info(
      { port: info.port, database: config.DATABASE_URL ? 'postgres' : `pglite:${config.DATA_DIR}` },
      'Vetted is listening',
    );
    if (vetted.bootstrapKey) {
      process.stdout.write(
        `\nAn admin API key was created for this installation. It is shown only this once:\n\n  ${vetted.bootstrapKey}\n\n` +
          `Use it as: Authorization: Bearer ${vetted.bootstrapKey}\n\n`,
      );
    }
  });

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

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Vetted failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exitCode = 1;
});
