/**
 * Every provider the gateway knows. Adding one: a folder under src/providers/<slug>/ exporting a
 * ProviderAdapter, and one line here.
 */
import type { Provider } from '../generated/prisma/enums.js';
import { ouraAdapter } from './oura/index.js';
import { polarAdapter } from './polar/index.js';
import type { ProviderAdapter } from './types.js';
import { whoopAdapter } from './whoop/index.js';

export const PROVIDERS: readonly ProviderAdapter[] = [polarAdapter, ouraAdapter, whoopAdapter];

export function providerById(id: Provider): ProviderAdapter {
  const adapter = PROVIDERS.find((p) => p.id === id);
  if (!adapter) throw new Error(`Provider ${id} is not implemented yet`);
  return adapter;
}

export function providerBySlug(slug: string): ProviderAdapter | undefined {
  return PROVIDERS.find((p) => p.slug === slug);
}
