import type { AppContext } from '../../platform/context.js';

/** Stub: filled in by the contracts part of [12/12]. */
export function registerContractSubscribers(_ctx: AppContext): void {}
