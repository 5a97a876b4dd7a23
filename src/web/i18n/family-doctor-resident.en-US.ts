import type { fdResidentZh } from './family-doctor-resident.zh-CN.js';

/** Family-doctor strings, en-US: the same keys as family-doctor-resident.zh-CN.ts. */
export const fdResidentEn: typeof fdResidentZh = {
  title: 'Family doctor',
};
