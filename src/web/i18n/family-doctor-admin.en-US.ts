import type { fdAdminZh } from './family-doctor-admin.zh-CN.js';

/** Family-doctor strings, en-US: the same keys as family-doctor-admin.zh-CN.ts. */
export const fdAdminEn: typeof fdAdminZh = {
  title: 'Family doctor',
};
