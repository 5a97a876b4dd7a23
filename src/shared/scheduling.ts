/**
 * Scheduling names shared by the server and the web app — visit modes, quota channels, appointment
 * states, the booking policy — and the scheduling API's contract: TypeBox schemas the routes validate
 * with, `Static` types the web reads.
 */
import { type Static, Type } from 'typebox';
import { DateText, Limit, Nullable, page, TimeText, Uuid } from './http.js';

export const MODES = ['offline', 'online_follow_up', 'online_first_visit', 'video'] as const;
/** A visit mode (门诊, 在线复诊, 在线首诊, 视频问诊). */
export const Mode = Type.Enum(MODES, { description: '出诊方式：线下门诊/互联网复诊/互联网首诊/视频' });
export type Mode = Static<typeof Mode>;

export const CHANNELS = ['public', 'referral', 'partner'] as const;
/** Which quota a token comes from: the public pool, referrals within the alliance, partner institutions. */
export const Channel = Type.Enum(CHANNELS);
export type Channel = Static<typeof Channel>;

export const APPOINTMENT_STATUSES = [
  'pending_payment',
  'confirmed',
  'checked_in',
  'completed',
  'cancelled',
  'expired',
  'no_show',
] as const;
export const AppointmentStatus = Type.Enum(APPOINTMENT_STATUSES);
export type AppointmentStatus = Static<typeof AppointmentStatus>;
/** States in which an appointment holds its token. */
export const LIVE_STATUSES = ['pending_payment', 'confirmed', 'checked_in'] as const;

// --- Schedules (出诊排班).

export const Schedule = Type.Object({
  id: Uuid,
  doctorId: Uuid,
  departmentId: Uuid,
  institutionId: Uuid,
  date: Type.String(),
  startTime: Type.String(),
  endTime: Type.String(),
  mode: Mode,
  feeFen: Type.Integer(),
  capacity: Type.Integer(),
  available: Type.Integer({ description: '已放号、可预约的公众号源数' }),
  releaseAt: Type.String(),
  status: Type.Enum(['open', 'stopped'] as const),
  quotas: Type.Object({ public: Type.Integer(), referral: Type.Integer(), partner: Type.Integer() }),
});
export type Schedule = Static<typeof Schedule>;
export const SchedulePage = page(Schedule);

export const ScheduleQuery = Type.Object({
  doctorId: Type.Optional(Uuid),
  departmentId: Type.Optional(Uuid),
  institutionId: Type.Optional(Uuid),
  from: Type.Optional(DateText),
  to: Type.Optional(DateText),
  mode: Type.Optional(Mode),
});
export type ScheduleQuery = Static<typeof ScheduleQuery>;

const Capacity = Type.Integer({ minimum: 1, maximum: 500 });

export const ScheduleBody = Type.Object(
  {
    doctorId: Uuid,
    departmentId: Type.Optional(Uuid),
    date: DateText,
    startTime: TimeText,
    endTime: TimeText,
    mode: Mode,
    feeFen: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
    capacity: Capacity,
    quotas: Type.Optional(
      Type.Object(
        {
          referral: Type.Optional(Type.Integer({ minimum: 0 })),
          partner: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ScheduleBody = Static<typeof ScheduleBody>;

export const StopScheduleBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type StopScheduleBody = Static<typeof StopScheduleBody>;

export const StopScheduleResult = Type.Object({
  id: Uuid,
  status: Type.Literal('stopped'),
  cancelled: Type.Integer(),
});
export type StopScheduleResult = Static<typeof StopScheduleResult>;

/** A weekly template (按周模板) over a number of weeks. */
export const BulkScheduleBody = Type.Object(
  {
    doctorId: Uuid,
    departmentId: Type.Optional(Uuid),
    startDate: DateText,
    weeks: Type.Integer({ minimum: 1, maximum: 12 }),
    sessions: Type.Array(
      Type.Object(
        {
          weekday: Type.Integer({ minimum: 1, maximum: 7, description: '1 = 周一 … 7 = 周日' }),
          startTime: TimeText,
          endTime: TimeText,
          mode: Mode,
          capacity: Capacity,
          feeFen: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 14 },
    ),
  },
  { additionalProperties: false },
);
export type BulkScheduleBody = Static<typeof BulkScheduleBody>;
export type TemplateSession = BulkScheduleBody['sessions'][number];

export const BulkScheduleResult = Type.Object({
  created: Type.Array(Uuid),
  skipped: Type.Array(
    Type.Object({
      date: Type.String(),
      startTime: Type.String(),
      code: Type.String(),
      reason: Type.String(),
    }),
  ),
});
export type BulkScheduleResult = Static<typeof BulkScheduleResult>;

// --- The booking policy (放号与预约规则) of an institution.

export const BookingPolicy = Type.Object(
  {
    releaseDaysAhead: Type.Integer({ minimum: 0, maximum: 90 }),
    releaseTime: TimeText,
    referralPercent: Type.Integer({ minimum: 0, maximum: 100 }),
    partnerPercent: Type.Integer({ minimum: 0, maximum: 100 }),
    reservedReleaseHours: Type.Integer({ minimum: 0, maximum: 168 }),
    cancelCutoffMinutes: Type.Integer({ minimum: 0, maximum: 2880 }),
    maxActiveBookings: Type.Integer({ minimum: 1, maximum: 50 }),
    noShowLimit: Type.Integer({ minimum: 1, maximum: 20 }),
    noShowWindowDays: Type.Integer({ minimum: 1, maximum: 730 }),
    suspensionDays: Type.Integer({ minimum: 0, maximum: 730 }),
    holdMinutes: Type.Integer({ minimum: 1, maximum: 120 }),
  },
  { additionalProperties: false },
);
export type BookingPolicy = Static<typeof BookingPolicy>;

// --- Appointments (预约挂号) and the waitlist (候补).

export const BookBody = Type.Object(
  { scheduleId: Uuid, patientId: Type.Optional(Uuid), channel: Type.Optional(Channel) },
  { additionalProperties: false },
);
export type BookBody = Static<typeof BookBody>;

export const BookHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});

/** The appointment as the API returns it. */
export const Appointment = Type.Object({
  id: Uuid,
  status: AppointmentStatus,
  scheduleId: Uuid,
  patientId: Uuid,
  patientName: Type.String(),
  doctorId: Uuid,
  doctorName: Type.String(),
  departmentName: Type.String(),
  institutionName: Type.String(),
  /** [8/12] The institution's English name where it has one (shown in en-US). */
  institutionNameEn: Type.Optional(Type.String()),
  date: Type.String(),
  mode: Mode,
  channel: Channel,
  tokenNumber: Type.Integer(),
  windowStart: Type.String(),
  windowEnd: Type.String(),
  feeFen: Type.Integer(),
  /** Set while a fee is to be paid or was paid. */
  orderId: Type.Optional(Uuid),
  /** Until when an unpaid booking holds its token. */
  holdUntil: Type.Optional(Type.String()),
});
export type Appointment = Static<typeof Appointment>;
export const AppointmentPage = page(Appointment);

export const BookResult = Type.Pick(Appointment, [
  'id',
  'status',
  'tokenNumber',
  'windowStart',
  'windowEnd',
  'orderId',
  'holdUntil',
]);
export type BookResult = Static<typeof BookResult>;

export const WaitlistBody = Type.Object({ patientId: Type.Optional(Uuid) }, { additionalProperties: false });
export type WaitlistBody = Static<typeof WaitlistBody>;

export const WaitlistEntry = Type.Object({
  id: Uuid,
  scheduleId: Uuid,
  patientId: Uuid,
  status: Type.Literal('waiting'),
  position: Type.Integer({ description: '候补位次（1 = 下一个）' }),
});
export type WaitlistEntry = Static<typeof WaitlistEntry>;

// --- The visible waitlist (我的候补, [8/12]) and an appointment's guide (就诊须知).

export const WAITLIST_STATUSES = ['waiting', 'promoted', 'cancelled'] as const;
export const WaitlistStatus = Type.Enum(WAITLIST_STATUSES, {
  description: 'waiting 候补中 / promoted 候补成功（已转为预约）/ cancelled 已取消',
});
export type WaitlistStatus = Static<typeof WaitlistStatus>;

/** One waitlist entry of the caller or a dependent they act for, as 我的预约 shows it. */
export const WaitlistItem = Type.Object({
  id: Uuid,
  scheduleId: Uuid,
  patientId: Uuid,
  patientName: Type.String(),
  status: WaitlistStatus,
  position: Nullable(
    Type.Integer({
      minimum: 1,
      description: '候补位次（1 = 下一个），按同一排班中候补中的条目计；非候补中为 null',
    }),
  ),
  doctorId: Uuid,
  doctorName: Type.String(),
  departmentName: Type.String(),
  institutionName: Type.String(),
  date: Type.String({ description: '出诊日期 YYYY-MM-DD（上海）' }),
  startTime: Type.String(),
  endTime: Type.String(),
  mode: Mode,
  feeFen: Type.Integer(),
  /** The appointment a promoted entry became. */
  appointmentId: Nullable(Uuid),
  createdAt: Type.String(),
});
export type WaitlistItem = Static<typeof WaitlistItem>;

export const WaitlistQuery = Type.Object({
  status: Type.Optional(WaitlistStatus),
  limit: Type.Optional(Limit(100, 50)),
});
export type WaitlistQuery = Static<typeof WaitlistQuery>;

/** Newest first, capped at `limit` (no cursor: a patient has few entries). */
export const WaitlistPage = Type.Object({ items: Type.Array(WaitlistItem) });
export type WaitlistPage = Static<typeof WaitlistPage>;

/** 就诊须知 of one appointment: where to go, the real cancellation and no-show rules, the day's queue. */
export const AppointmentGuide = Type.Object({
  appointmentId: Uuid,
  institutionName: Type.String(),
  institutionAddress: Nullable(Type.String()),
  institutionPhone: Nullable(Type.String()),
  departmentName: Type.String(),
  /** Until when the patient may cancel (the session's start minus the institution's cutoff). */
  cancelDeadline: Type.String(),
  cancelCutoffMinutes: Type.Integer(),
  noShow: Type.Object({
    limit: Type.Integer({ description: '爽约次数上限' }),
    windowDays: Type.Integer(),
    suspensionDays: Type.Integer(),
  }),
  /**
   * The day's queue of the session, only on the visit day for a live offline appointment. There is no
   * calling system: `ahead` counts the session's live appointments with a smaller token number.
   */
  queue: Nullable(
    Type.Object({
      tokenNumber: Type.Integer(),
      ahead: Type.Integer({ description: '号码在前、尚未就诊完成的预约数' }),
      seen: Type.Integer({ description: '本时段已就诊完成的人数' }),
      checkedIn: Type.Boolean({ description: '本人是否已签到' }),
    }),
  ),
});
export type AppointmentGuide = Static<typeof AppointmentGuide>;
