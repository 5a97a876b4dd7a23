import type { remoteCentreZh } from './remote-centre.zh-CN.js';

/** Diagnostic centre reading strings, en-US: the same keys as remote-centre.zh-CN.ts. */
export const remoteCentreEn: typeof remoteCentreZh = {
  title: 'Diagnostic centre reading',
};
