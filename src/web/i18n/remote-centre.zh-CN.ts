/** 诊断中心阅片 strings, zh-CN ([11/12] remote diagnosis). */
export const remoteCentreZh = {
  title: '诊断中心阅片',
};
