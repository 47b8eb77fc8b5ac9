import { readFileSync } from 'node:fs';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const milliseconds = z.coerce.number().int().min(0).max(86_400_000);

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SANDBOX_REVIEW_DELAY_MS: milliseconds.default(2000),
  JOB_POLL_INTERVAL_MS: z.coerce.number().int().min(500).max(60_000).default(500),
  // 15 attempts span more than half an hour even with the shortest jitter: a long provider outage loses nothing.
  SUBMIT_RETRY_LIMIT: z.coerce.number().int().min(0).max(100).default(15),
  SUBMIT_RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(2000),
  SHUTDOWN_TIMEOUT_MS: milliseconds.default(10_000),
  RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000).default(50),
  RATE_LIMIT_SENDER_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  RATE_LIMIT_FAILED_AUTH_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  TRUST_PROXY: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(10_000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(5000),
  /** Provider accounts and secrets: configuration only, never the database or the API, never logged. */
  META_GRAPH_URL: z.url().default('https://graph.facebook.com'),
  META_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v24.0')
    .default('v24.0'),
  META_ACCESS_TOKEN: z.string().min(1).optional(),
  META_APP_SECRET: z.string().min(1).optional(),
  META_VERIFY_TOKEN: z.string().min(1).optional(),
  META_PARAMETER_FORMAT: z.enum(['named', 'positional']).default('named'),
  GUPSHUP_API_URL: z.url().default('https://partner.gupshup.io'),
  GUPSHUP_APP_ID: z.string().min(1).optional(),
  GUPSHUP_APP_TOKEN: z.string().min(1).optional(),
  /** What Gupshup's send API calls `src.name` and `source`: the app's name and its WhatsApp number. */
  GUPSHUP_APP_NAME: z.string().min(1).optional(),
  GUPSHUP_SOURCE_NUMBER: z
    .string()
    .regex(/^\d{6,15}$/, 'digits only, with the country code')
    .optional(),
  GUPSHUP_WEBHOOK_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A JSON file with one token per Meta WABA or Gupshup app, for several accounts per provider. */
  PROVIDER_ACCOUNTS_FILE: z.string().min(1).optional(),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** Provider calls in flight at once per provider: a market launch queues, it does not stampede. */
  PROVIDER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  RECONCILE_PENDING_AFTER_MS: milliseconds.default(600_000),
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(300_000),
  /** Full reload of the in-memory indexes: the safety net under NOTIFY, which a lost connection can miss. */
  CACHE_REFRESH_MS: z.coerce.number().int().min(1000).max(86_400_000).default(30_000),
  /** How soon a lost PostgreSQL listener connection is tried again (and again, until it listens). */
  LISTENER_RETRY_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
  /** 0: this process serves HTTP only and leaves jobs and reconciliation to others (`npm run worker`). */
  WORKERS: z
    .enum(['0', '1'], { message: 'must be 0 or 1' })
    .default('1')
    .transform((value) => value === '1'),
  /** Where people reach Vetted (https://vetted.example.com): the base of console links in notifications. */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /** Outbound notifications to private, loopback or link-local addresses: refused unless set (SSRF guard). */
  SUBSCRIPTION_ALLOW_PRIVATE_URLS: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  NOTIFICATION_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** The first retry of a failed delivery waits 1–2 × this, each next one twice as long, up to the maximum. */
  NOTIFICATION_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  NOTIFICATION_RETRY_DELAY_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
});

const checkedConfigSchema = configSchema.refine(
  (config) => config.NOTIFICATION_RETRY_DELAY_MAX_SECONDS >= config.NOTIFICATION_RETRY_DELAY_SECONDS,
  {
    path: ['NOTIFICATION_RETRY_DELAY_MAX_SECONDS'],
    message: 'must be at least NOTIFICATION_RETRY_DELAY_SECONDS',
  },
);

const accountsFileSchema = z.strictObject({
  meta: z.record(z.string().min(1), z.strictObject({ accessToken: z.string().min(1) })).default({}),
  gupshup: z
    .record(
      z.string().min(1),
      z.strictObject({
        appToken: z.string().min(1),
        appName: z.string().min(1).optional(),
        sourceNumber: z
          .string()
          .regex(/^\d{6,15}$/, 'digits only, with the country code')
          .optional(),
      }),
    )
    .default({}),
});
export type ProviderAccounts = z.infer<typeof accountsFileSchema>;

export type Config = z.infer<typeof configSchema> & { providerAccounts: ProviderAccounts };

export class ConfigError extends Error {}

/** The one reader of the environment: parses it once, naming every wrong variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = checkedConfigSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, providerAccounts: readAccountsFile(parsed.data.PROVIDER_ACCOUNTS_FILE) };
}

function readAccountsFile(path: string | undefined): ProviderAccounts {
  if (!path) return { meta: {}, gupshup: {} };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  PROVIDER_ACCOUNTS_FILE: cannot read ${path} as JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const parsed = accountsFileSchema.safeParse(json);
  if (!parsed.success) {
    // Paths only: the values are secrets.
    const lines = parsed.error.issues.map((issue) => `  ${path}: ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
