import { defineErrors } from '../../platform/errors.js';

/**
 * The records module's refusals: reading a patient's archive without a care relationship (SEC-1),
 * authorisations (授权调阅), break-glass and export.
 */
export const recordErrors = defineErrors('records', {
  noCareRelationship: {
    status: 403,
    code: 'NO_CARE_RELATIONSHIP',
    title: '您与该患者没有诊疗关系，无权查看其健康信息',
    en: 'No care relationship with this patient',
    detail:
      '只有正在或近期为患者诊疗的医护人员、签约家庭医生、转诊或会诊涉及的医生，或获得患者授权的医生可以查看（SEC-1）。',
    action: '请患者在“我的授权”中授权给您；急救等紧急情况可使用紧急调阅并写明理由（将通知监管部门）。',
  },
  authorisationNotFound: {
    status: 404,
    code: 'AUTHORISATION_NOT_FOUND',
    title: '授权不存在',
    en: 'Authorisation not found',
    detail: '没有找到这条授权记录。',
    action: '刷新授权列表后重试。',
  },
  granteeRequired: {
    status: 422,
    code: 'AUTHORISATION_GRANTEE_REQUIRED',
    title: '请选择授权给哪位医生或哪家机构',
    en: 'Choose one doctor or one institution',
    detail: '一条授权只能给一位医生或一家机构，二者选其一。',
    action: '选择医生或机构后再提交。',
  },
  granteeNotFound: {
    status: 422,
    code: 'AUTHORISATION_GRANTEE_NOT_FOUND',
    title: '授权对象不存在或已停止执业',
    en: 'The doctor or institution was not found',
    detail: '所选医生或机构不存在，或当前不能接受授权。',
    action: '重新搜索并选择医生或机构。',
  },
  breakGlassNotAllowed: {
    status: 403,
    code: 'BREAK_GLASS_NOT_ALLOWED',
    title: '只有医生和护士可以紧急调阅',
    en: 'Only doctors and nurses may use break-glass access',
    detail: '紧急调阅仅供执业医护人员在急救等紧急情况下使用。',
    action: '请由接诊的医护人员操作。',
  },
});
