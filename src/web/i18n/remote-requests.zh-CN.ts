/** 远程诊断（申请方） strings, zh-CN ([11/12] remote diagnosis). */
export const remoteRequestsZh = {
  title: '远程诊断（申请方）',
};
