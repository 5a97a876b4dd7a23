import { defineErrors } from './errors.js';

/** DJ-11: a caller whose roles are not cleared for the sensitivity level of what a route serves. */
export const dataLevelErrors = defineErrors('platform', {
  dataLevelForbidden: {
    status: 403,
    code: 'DATA_LEVEL_FORBIDDEN',
    title: '当前角色无权访问该敏感级别的数据',
    en: 'Your role is not cleared for this level of data',
    detail:
      '此接口提供的数据按 GB/T 39725 分类分级，当前账号的角色未获准访问该类别的这一级别（DJ-11）；例如系统、安全、审计管理员不读取患者的健康与诊疗数据。',
    action: '换用获准访问此类数据的角色（如诊疗关系中的医生），或联系安全管理员。',
  },
});
