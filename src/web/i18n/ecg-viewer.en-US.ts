import type { ecgViewerZh } from './ecg-viewer.zh-CN.js';

/** ECG viewer strings, en-US: the same keys as ecg-viewer.zh-CN.ts. */
export const ecgViewerEn: typeof ecgViewerZh = {
  title: 'ECG viewer',
};
