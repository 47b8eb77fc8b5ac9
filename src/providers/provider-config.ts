import type { Config } from '../config.ts';
import type { ProviderKind } from './provider.ts';

/** The token Meta's Graph API takes for a WABA: its own from the accounts file, else META_ACCESS_TOKEN. */
export function metaAccessToken(config: Config, waba: string): string | undefined {
  return config.providerAccounts.meta[waba]?.accessToken ?? config.META_ACCESS_TOKEN;
}

/** A Gupshup app's token: its own from the accounts file, or GUPSHUP_APP_TOKEN for GUPSHUP_APP_ID. */
export function gupshupAppToken(config: Config, appId: string): string | undefined {
  const listed = config.providerAccounts.gupshup[appId]?.appToken;
  if (listed) return listed;
  return config.GUPSHUP_APP_ID === appId ? config.GUPSHUP_APP_TOKEN : undefined;
}

/** Who sends for a Gupshup app: the app name and WhatsApp number its send API wants, when configured. */
export function gupshupSender(config: Config, appId: string): { appName?: string; sourceNumber?: string } {
  const listed = config.providerAccounts.gupshup[appId];
  if (listed) {
    return {
      ...(listed.appName ? { appName: listed.appName } : {}),
      ...(listed.sourceNumber ? { sourceNumber: listed.sourceNumber } : {}),
    };
  }
  if (config.GUPSHUP_APP_ID !== appId) return {};
  return {
    ...(config.GUPSHUP_APP_NAME ? { appName: config.GUPSHUP_APP_NAME } : {}),
    ...(config.GUPSHUP_SOURCE_NUMBER ? { sourceNumber: config.GUPSHUP_SOURCE_NUMBER } : {}),
  };
}

/**
 * The settings a market bound to `kind`/`account` still needs, by variable name: submitting needs
 * the account's token, hearing decisions needs the webhook secrets. Empty when nothing is missing.
 */
export function missingProviderSettings(config: Config, kind: ProviderKind, account: string): string[] {
  const missing: string[] = [];
  if (kind === 'meta') {
    if (!metaAccessToken(config, account)) missing.push('META_ACCESS_TOKEN');
    if (!config.META_APP_SECRET) missing.push('META_APP_SECRET');
    if (!config.META_VERIFY_TOKEN) missing.push('META_VERIFY_TOKEN');
  }
  if (kind === 'gupshup') {
    if (!gupshupAppToken(config, account)) missing.push('GUPSHUP_APP_ID', 'GUPSHUP_APP_TOKEN');
    if (!config.GUPSHUP_WEBHOOK_TOKEN) missing.push('GUPSHUP_WEBHOOK_TOKEN');
  }
  return missing;
}
