import type { dicomViewerZh } from './dicom-viewer.zh-CN.js';

/** Image viewer strings, en-US: the same keys as dicom-viewer.zh-CN.ts. */
export const dicomViewerEn: typeof dicomViewerZh = {
  title: 'Image viewer',
};
