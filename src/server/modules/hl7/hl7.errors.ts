import { defineErrors } from '../../platform/errors.js';

/**
 * The HL7 module's refusals on its admin routes (HTTP problem+json). What a hospital system is told in an
 * ACK is a different catalogue below (`ACK_PROBLEMS`): an ACK is not an HTTP answer.
 */
export const hl7Errors = defineErrors('hl7', {
  messageNotDead: {
    status: 409,
    code: 'HL7_MESSAGE_NOT_DEAD',
    title: '该消息不是待处理的死信',
    en: 'The message is not a dead letter',
    detail: '只有处理失败（死信）的消息可以修正后重放或丢弃；已应用、待匹配或已丢弃的消息不能。',
    action: '刷新列表查看消息的当前状态；待匹配的消息请在匹配队列中处理。',
  },
  matchResolved: {
    status: 409,
    code: 'HL7_MATCH_RESOLVED',
    title: '该匹配已处理',
    en: 'The match was already resolved',
    detail: '这条待匹配记录已被匹配、新建或拒绝，不能再次处理。',
    action: '刷新匹配队列。',
  },
  matchPatientInvalid: {
    status: 422,
    code: 'HL7_MATCH_PATIENT_INVALID',
    title: '请选择候选患者之一',
    en: 'Choose one of the candidate patients',
    detail: '“匹配”须指定 patientId，且必须是该记录列出的候选患者之一。',
    action: '从候选患者中选择一人，或选择“新建患者”。',
  },
  replayFeedMismatch: {
    status: 422,
    code: 'HL7_REPLAY_FEED_MISMATCH',
    title: '修正后的消息发送方不符',
    en: 'The fixed message names another sender',
    detail: '修正后的消息必须是可解析的 HL7 v2 消息，且 MSH-4（发送机构）与原消息相同。',
    action: '保留原消息的 MSH 段，只修正出错的字段后重试。',
  },
});

/**
 * Why a message was answered AE or AR (HL7 v2.5 table 0357 in ERR-3; our code in ERR-5; the zh-CN text
 * in ERR-8). `ack` is the MSA-1 code the reason gets: AR for a message the platform will not take as it
 * is (its header, its sender), AE for one whose content cannot be applied (stored as a dead letter that
 * staff fix and replay). Documented in docs/hl7.md.
 */
export const ACK_PROBLEMS = {
  unparseable: {
    code: 'HL7_UNPARSEABLE',
    ack: 'AR',
    hl7: '100',
    hl7Text: 'Segment sequence error',
    zh: '无法解析的消息：缺少 MSH 段、分隔符或消息控制号（MSH-10）。',
  },
  feedNotAllowed: {
    code: 'HL7_FEED_NOT_ALLOWED',
    ack: 'AR',
    hl7: '207',
    hl7Text: 'Application internal error',
    zh: '发送方未登记：来源地址不在该发送机构（MSH-4）的允许列表中。',
  },
  tooLarge: {
    code: 'HL7_MESSAGE_TOO_LARGE',
    ack: 'AR',
    hl7: '207',
    hl7Text: 'Application internal error',
    zh: '消息超过允许的最大长度，已拒收。',
  },
  unsupportedType: {
    code: 'HL7_UNSUPPORTED_MESSAGE',
    ack: 'AR',
    hl7: '200',
    hl7Text: 'Unsupported message type',
    zh: '不支持的消息类型：仅接收 ADT^A01/A03/A04/A08 与 ORU^R01。',
  },
  unsupportedEvent: {
    code: 'HL7_UNSUPPORTED_EVENT',
    ack: 'AR',
    hl7: '201',
    hl7Text: 'Unsupported event code',
    zh: '不支持的触发事件：ADT 仅接收 A01、A03、A04、A08，ORU 仅接收 R01。',
  },
  unsupportedProcessingId: {
    code: 'HL7_UNSUPPORTED_PROCESSING_ID',
    ack: 'AR',
    hl7: '202',
    hl7Text: 'Unsupported processing id',
    zh: '处理标识（MSH-11）须为 P（生产）：测试或调试消息不写入健康档案。',
  },
  unsupportedVersion: {
    code: 'HL7_UNSUPPORTED_VERSION',
    ack: 'AR',
    hl7: '203',
    hl7Text: 'Unsupported version id',
    zh: '不支持的 HL7 版本（MSH-12）：仅接收 2.x 版本。',
  },
  requiredMissing: {
    code: 'HL7_REQUIRED_FIELD_MISSING',
    ack: 'AE',
    hl7: '101',
    hl7Text: 'Required field missing',
    zh: '缺少必填字段。',
  },
  patientMissing: {
    code: 'HL7_PATIENT_MISSING',
    ack: 'AE',
    hl7: '101',
    hl7Text: 'Required field missing',
    zh: '缺少患者信息：须有 PID 段，且 PID-3 含居民身份证号或 PID-5 含姓名。',
  },
  badDate: {
    code: 'HL7_BAD_DATE',
    ack: 'AE',
    hl7: '102',
    hl7Text: 'Data type error',
    zh: '日期时间格式错误或不是真实的时间（应为 YYYYMMDD[HHMM[SS]][+/-ZZZZ]，且不晚于当前时间）。',
  },
  badValue: {
    code: 'HL7_BAD_VALUE',
    ack: 'AE',
    hl7: '102',
    hl7Text: 'Data type error',
    zh: '字段值与其数据类型不符。',
  },
  badIdNumber: {
    code: 'HL7_BAD_ID_NUMBER',
    ack: 'AE',
    hl7: '102',
    hl7Text: 'Data type error',
    zh: 'PID-3 中的居民身份证号无效（GB 11643 校验不通过）。',
  },
  idMismatch: {
    code: 'HL7_ID_MISMATCH',
    ack: 'AE',
    hl7: '102',
    hl7Text: 'Data type error',
    zh: 'PID-7 出生日期或 PID-8 性别与居民身份证号不一致。',
  },
  unknownCode: {
    code: 'HL7_UNKNOWN_CODE',
    ack: 'AE',
    hl7: '103',
    hl7Text: 'Table value not found',
    zh: '编码不在允许的取值范围内。',
  },
  internal: {
    code: 'HL7_INTERNAL_ERROR',
    ack: 'AE',
    hl7: '207',
    hl7Text: 'Application internal error',
    zh: '平台处理该消息时发生内部错误，消息已保存，待管理员处理。',
  },
} as const satisfies Record<string, AckProblemSpec>;

export interface AckProblemSpec {
  code: string;
  ack: 'AE' | 'AR';
  /** HL7 table 0357 message error condition code (ERR-3). */
  hl7: string;
  hl7Text: string;
  /** What the sending system's staff read (ERR-8): zh-CN. */
  zh: string;
}

export type AckProblemKey = keyof typeof ACK_PROBLEMS;

/**
 * What an AA carries besides "accepted" (ERR with severity W or I): the message was applied or held, and
 * the sender should know something about it. Stored with the message (error_code / error_detail), so a
 * resent message gets the same ACK.
 */
export const ACK_NOTES = {
  pendingMatch: {
    code: 'HL7_PENDING_MATCH',
    severity: 'I',
    hl7: '0',
    hl7Text: 'Message accepted',
    zh: '已接收，待人工匹配患者：PID-3 中没有居民身份证号，平台管理员确认患者后再写入档案。',
  },
  unknownDoctor: {
    code: 'HL7_UNKNOWN_DOCTOR',
    severity: 'W',
    hl7: '204',
    hl7Text: 'Unknown key identifier',
    zh: 'PV1-7 的主治医生未在平台登记（按执业证书编号或工号），就诊记录已写入但未关联医生。',
  },
  unknownDepartment: {
    code: 'HL7_UNKNOWN_DEPARTMENT',
    severity: 'W',
    hl7: '204',
    hl7Text: 'Unknown key identifier',
    zh: 'PV1-3 的科室未在平台登记（按科室代码或名称），就诊记录已写入但未关联科室。',
  },
  identityProtected: {
    code: 'HL7_IDENTITY_PROTECTED',
    severity: 'W',
    hl7: '0',
    hl7Text: 'Message accepted',
    zh: '该患者已在平台完成实名认证，姓名、性别和出生日期以实名信息为准，未按 A08 修改。',
  },
} as const satisfies Record<string, AckNoteSpec>;

export interface AckNoteSpec {
  code: string;
  severity: 'W' | 'I';
  hl7: string;
  hl7Text: string;
  zh: string;
}
export type AckNoteKey = keyof typeof ACK_NOTES;

/** Where in the message a problem is (ERR-2): segment, its sequence (1-based), field, component. */
export interface ErrorLocation {
  segment: string;
  sequence?: number;
  field?: number;
  component?: number;
}

/**
 * A message the platform cannot take: thrown while reading or applying it, turned into an AE/AR ACK and,
 * for a known sender, a dead letter with `code` and `detail`. Never carries personal data in `detail`
 * beyond the field's position: the detail is shown to the feed's administrators and sent back in ERR-8.
 */
export class Hl7Problem extends Error {
  readonly spec: AckProblemSpec;
  constructor(
    key: AckProblemKey,
    readonly detail: string = ACK_PROBLEMS[key].zh,
    readonly location?: ErrorLocation,
  ) {
    super(`${ACK_PROBLEMS[key].code}: ${detail}`);
    this.spec = ACK_PROBLEMS[key];
  }
}

export const hl7Problem = (key: AckProblemKey, detail?: string, location?: ErrorLocation) =>
  new Hl7Problem(key, detail, location);
