/** 心电图查看器 strings, zh-CN ([11/12] remote diagnosis). */
export const ecgViewerZh = {
  title: '心电图查看器',
};
