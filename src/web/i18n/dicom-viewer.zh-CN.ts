/** 影像查看器 strings, zh-CN ([11/12] remote diagnosis). */
export const dicomViewerZh = {
  title: '影像查看器',
};
