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
  SUBMIT_RETRY_LIMIT: z.coerce.number().int().min(0).max(100).default(10),
  SUBMIT_RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(2000),
  SHUTDOWN_TIMEOUT_MS: milliseconds.default(10_000),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** The one reader of the environment: parses it once, naming every wrong variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
