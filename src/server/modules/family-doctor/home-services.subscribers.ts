import type { AppContext } from '../../platform/context.js';

/** Stub: filled in by the home-services part of [12/12]. */
export function registerHomeServiceSubscribers(_ctx: AppContext): void {}
