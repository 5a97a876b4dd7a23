import { defineErrors } from '../../platform/errors.js';

/** Directory's refusals: institutions, departments, practitioners and their registration (ORG-1, ORG-5). */
export const directoryErrors = defineErrors('directory', {
  notYourInstitution: {
    status: 403,
    code: 'NOT_YOUR_INSTITUTION',
    title: '无权管理该机构',
    en: 'Not your institution',
    detail: '机构管理员只能管理本机构的科室、人员和排班。',
    action: '用该机构的管理员账号操作。',
  },
  onlinePracticeTooShort: {
    status: 422,
    code: 'ONLINE_PRACTICE_TOO_SHORT',
    title: '独立执业年限不足',
    en: 'Too few years of independent practice',
    detail: '医师须独立临床执业满 3 年方可开展互联网诊疗（ORG-1）。',
    action: '核对执业起始年份；不满 3 年的医师不开通互联网诊疗（offersOnline 设为 false）。',
  },
  firstVisitBarNotMet: {
    status: 422,
    code: 'FIRST_VISIT_BAR_NOT_MET',
    title: '未达到互联网首诊试点要求',
    en: 'The first-visit pilot bar is not met',
    detail:
      '参加互联网首诊试点的医师须独立执业满 3 年、具有主治医师及以上职称，并开展互联网复诊满 1 年（PILOT-2）。',
    action: '选择符合条件的医师，或先不参加首诊试点。',
  },
  licenceNoTaken: {
    status: 409,
    code: 'LICENCE_NO_TAKEN',
    title: '执业证书编码已登记',
    en: 'Licence number already registered',
    detail: '该执业证书编码已登记在平台的其他人员名下，请核对。',
    action: '核对执业证书编码；同一人员在其他机构执业请登记为多点执业。',
  },
  practitionerCodeTaken: {
    status: 409,
    code: 'PRACTITIONER_CODE_TAKEN',
    title: '人员编码已存在',
    en: 'Staff code already in use',
    detail: '该人员编码已被使用，请换一个编码。',
    action: '换一个本机构内未用过的人员编码。',
  },
  departmentCodeTaken: {
    status: 409,
    code: 'DEPARTMENT_CODE_TAKEN',
    title: '科室代码已存在',
    en: 'Department code already in use',
    detail: '本机构已有该代码的科室，请换一个代码。',
    action: '换一个本机构内未用过的科室代码。',
  },
  alreadySuspended: {
    status: 409,
    code: 'ALREADY_SUSPENDED',
    title: '已处于暂停状态',
    en: 'Already suspended',
    detail: '该机构或医务人员已处于暂停状态。',
    action: '无需再次暂停；如需恢复请使用恢复操作。',
  },
  notSuspended: {
    status: 409,
    code: 'NOT_SUSPENDED',
    title: '未处于暂停状态',
    en: 'Not suspended',
    detail: '该机构或医务人员未被暂停，无需恢复。',
    action: '无需恢复。',
  },
});
