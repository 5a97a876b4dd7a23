import type { remoteRequestsZh } from './remote-requests.zh-CN.js';

/** Remote diagnosis (requesting side) strings, en-US: the same keys as remote-requests.zh-CN.ts. */
export const remoteRequestsEn: typeof remoteRequestsZh = {
  title: 'Remote diagnosis (requesting side)',
};
