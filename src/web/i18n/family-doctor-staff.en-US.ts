import type { fdStaffZh } from './family-doctor-staff.zh-CN.js';

/** Family-doctor strings, en-US: the same keys as family-doctor-staff.zh-CN.ts. */
export const fdStaffEn: typeof fdStaffZh = {
  title: 'Family doctor',
};
