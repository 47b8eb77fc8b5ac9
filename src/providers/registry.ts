import { AppError } from '../errors.ts';
import type { ProviderAdapter, ProviderKind } from './provider.ts';

export class ProviderRegistry {
  readonly #adapters = new Map<ProviderKind, ProviderAdapter>();

  register(adapter: ProviderAdapter): void {
    this.#adapters.set(adapter.kind, adapter);
  }

  find(kind: string): ProviderAdapter | undefined {
    return this.#adapters.get(kind as ProviderKind);
  }

  get(kind: string): ProviderAdapter {
    const adapter = this.#adapters.get(kind as ProviderKind);
    if (!adapter) throw new AppError('unavailable', { message: `provider ${kind} is not configured` });
    return adapter;
  }
}
