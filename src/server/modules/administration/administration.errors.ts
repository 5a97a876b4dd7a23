import { defineErrors } from '../../platform/errors.js';

/** The administrators' refusals ([10/12], DJ-8 三权分立, DJ-15 the audit administrator). */
export const administrationErrors = defineErrors('administration', {
  selfChange: {
    status: 403,
    code: 'ADMIN_SELF_CHANGE',
    title: '不能对自己的账号执行此操作',
    en: 'Not on your own account',
    detail:
      '管理员不能更改自己的角色，不能锁定、停用自己，也不能通过管理接口重置自己的密码或第二因素（DJ-8 三权分立）。',
    action: '请由另一位管理员办理；修改自己的密码请在“账号安全”中进行。',
  },
  rolesExclusive: {
    status: 409,
    code: 'ADMIN_ROLES_EXCLUSIVE',
    title: '一个账号只能担任一种管理员角色',
    en: 'One administrator role per account',
    detail:
      '系统管理员、安全管理员、审计管理员三种角色互斥，同一账号不能兼任，也不能兼任其他业务角色（DJ-8 三权分立）。',
    action: '为另一种职责另建账号。',
  },
  adminRoleGrant: {
    status: 403,
    code: 'ADMIN_ROLE_GRANT',
    title: '不能以修改角色的方式授予管理员角色',
    en: 'Administrator roles are not granted by a role change',
    detail:
      '管理员账号只能由系统管理员新建，新建后处于锁定状态，须安全管理员核实解锁后才能使用（DJ-8：任何一位管理员都不能独自设立管理员）。',
    action: '请由系统管理员新建管理员账号，再由安全管理员解锁。',
  },
  staffRoleGrant: {
    status: 409,
    code: 'STAFF_ROLE_GRANT',
    title: '不能把员工角色授予没有员工身份的账号',
    en: 'Staff roles only on staff accounts',
    detail: '该账号没有任何员工角色（例如只是患者账号），它的密码未按员工密码策略设置（DJ-2）。',
    action: '请由系统管理员为其新建员工账号（发放须首次登录修改的初始密码）。',
  },
  accountNotFound: {
    status: 404,
    code: 'ACCOUNT_NOT_FOUND',
    title: '账号不存在',
    en: 'Account not found',
    detail: '没有这个编号的账号。',
    action: '刷新账号列表后重试。',
  },
  phoneTaken: {
    status: 409,
    code: 'PHONE_TAKEN',
    title: '手机号已被注册',
    en: 'Phone number already registered',
    detail: '该手机号已有账号。一个手机号只能对应一个账号。',
    action: '在账号列表中按手机号查找该账号，按需调整其角色。',
  },
  roleNeedsInstitution: {
    status: 422,
    code: 'ACCOUNT_ROLE_NEEDS_INSTITUTION',
    title: '该角色须属于一家机构',
    en: 'This role needs an institution',
    detail: '医生、护士、药师、药房人员和机构管理员的账号须指定所在机构（institutionId，须为目录中的机构）。',
    action: '选择所在机构后重试。',
  },
  roleNeedsPractitioner: {
    status: 422,
    code: 'ACCOUNT_ROLE_NEEDS_PRACTITIONER',
    title: '该角色须对应一位执业人员',
    en: 'This role needs a practitioner',
    detail: '医生和药师的账号须对应目录中的一位执业人员（practitionerId），且该执业人员尚无账号。',
    action: '先在机构目录中登记执业人员，再为其建账号。',
  },
  statusConflict: {
    status: 409,
    code: 'ACCOUNT_STATUS_CONFLICT',
    title: '账号状态不允许此操作',
    en: 'Not possible in the account state',
    detail:
      '停用的账号由系统管理员启用，锁定的账号由安全管理员解锁：一方不能解除另一方的决定（DJ-8 三权分立）。',
    action: '请对应的管理员办理。',
  },
  exportTooLarge: {
    status: 422,
    code: 'AUDIT_EXPORT_TOO_LARGE',
    title: '导出的记录过多',
    en: 'Too many records to export',
    detail: '一次导出最多 10000 条审计记录（limit 给出上限）。',
    action: '缩小时间范围或增加筛选条件后再导出。',
  },
});
