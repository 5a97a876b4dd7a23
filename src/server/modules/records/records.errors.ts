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
  breakGlassReasonRequired: {
    status: 422,
    code: 'BREAK_GLASS_REASON_REQUIRED',
    title: '请写明紧急调阅的理由',
    en: 'A written reason is required for break-glass access',
    detail: '紧急调阅必须写明理由（如“急诊抢救，患者意识不清”），理由将提交监管部门审查。',
    action: '填写理由后重新提交。',
  },
  breakGlassNotFound: {
    status: 404,
    code: 'BREAK_GLASS_NOT_FOUND',
    title: '紧急调阅记录不存在',
    en: 'Break-glass record not found',
    detail: '没有找到这条紧急调阅记录。',
    action: '刷新告警列表后重试。',
  },
  breakGlassAlreadyReviewed: {
    status: 409,
    code: 'BREAK_GLASS_ALREADY_REVIEWED',
    title: '该紧急调阅已审查',
    en: 'This break-glass access has already been reviewed',
    detail: '每条紧急调阅只审查一次，审查意见不可更改。',
    action: '刷新告警列表查看已有的审查意见。',
  },
  exportPatientOnly: {
    status: 403,
    code: 'RECORD_EXPORT_PATIENT_ONLY',
    title: '只有本人或其代理人可以导出健康档案',
    en: 'Only the patient or their proxy may export the health record',
    detail: '导出（个人信息可携带）仅供患者本人或代其办理的家属使用；医护人员请在授权范围内在线查看。',
    action: '请患者本人登录后在“健康档案 → 导出”中下载。',
  },
});
