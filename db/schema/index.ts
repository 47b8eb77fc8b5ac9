export * from './api-keys.ts';
export * from './events.ts';
export * from './idempotency-keys.ts';
export * from './markets.ts';
export * from './sandbox-templates.ts';
export * from './status-deliveries.ts';
export * from './templates.ts';
export * from './versions.ts';
