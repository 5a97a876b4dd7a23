import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';

/** Everything the server reads from its environment, read once at start (no module-level singletons). */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; when unset the server runs on embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Demo mode: seeds the demo region, SMS codes are echoed as `devCode`, demo keys allowed. */
  demo: boolean;
  /** SM4 field-encryption keys by key id (DJ-25: key id stored with the ciphertext), and the current one. */
  fieldKeys: Record<string, Buffer>;
  currentFieldKeyId: string;
  /** HMAC-SM3 key of the blind index used to look up encrypted phones and ID numbers. */
  blindIndexKey: Buffer;
  logLevel: string;
  bodyLimitBytes: number;
  /**
   * Which proxies' X-Forwarded-For is believed (Fastify's trustProxy): false, a hop count, or addresses/CIDRs.
   * TRUST_PROXY=1 means ONE proxy (the nginx in front): the client address is the one it appended, never an
   * entry the client wrote itself (DJ-19 and the intrusion detectors rely on request.ip).
   */
  trustProxy: boolean | number | string;
  auth: AuthSettings;
  audit: { sealIntervalMs: number; sealBatchSize: number };
  /** How often the background jobs run (hold expiry, quota release, reminders, reconciliation). */
  jobIntervalMs: number;
  /** How often the outbox dispatcher looks for events left undelivered (crash, outage, failing subscriber). */
  outboxIntervalMs: number;
  webDir: string;
  visits: VisitSettings;
  records: RecordSettings;
  hl7: Hl7Settings;
  insurance: InsuranceSettings;
  cluster: ClusterSettings;
  security: SecuritySettings;
  remote: RemoteSettings;
  familyDoctor: FamilyDoctorSettings;
}

/**
 * Family doctor ([12/12], docs/family-doctor.md): the FD-7/FD-8 thresholds, the follow-up rhythm, the
 * renewal window and switching policy (FD-1), the minimum fee (FD-3), home-visit fees by title (FD-5) and
 * the home-nursing bar (FD-9). Every number has an environment variable (docs/operations.md).
 */
export interface FamilyDoctorSettings {
  thresholds: {
    /** FD-7: uncontrolled at or above systolic/diastolic (mmHg). */
    bpUncontrolled: { systolic: number; diastolic: number };
    /** FD-7: urgent referral at or above. */
    bpUrgent: { systolic: number; diastolic: number };
    /** FD-8: fasting glucose uncontrolled at or above, urgent at or above / at or below (mmol/L × 10). */
    glucoseUncontrolledTenths: number;
    glucoseUrgentHighTenths: number;
    glucoseUrgentLowTenths: number;
  };
  /** FD-7/FD-8: at least this many follow-ups a year (the plan spaces them evenly). */
  followupsPerYear: number;
  /** FD-7/FD-8: an uncontrolled result is followed up within this many days. */
  recheckDays: number;
  /** FD-1: renewal (and a switch at renewal) opens this many days before the term ends. */
  renewalWindowDays: number;
  /** FD-1 "or earlier by policy": a switch before renewal is allowed after this many months; null: never. */
  earlySwitchAfterMonths: number | null;
  /** FD-3: the smallest contract fee per person-year, fen. */
  minFeePerYearFen: number;
  /** FD-5: home-visit fees by the provider's title, fen. */
  visitFees: {
    attendingOrBelow: number;
    associateChief: number;
    chief: number;
    nurse: number;
    sickbedRound: number;
  };
  /** FD-9: home nursing needs this many years of clinical nursing and one of these titles. */
  nursing: { minYears: number; titles: string[] };
  /** How long an unpaid contract or home-service order is held, minutes. */
  holdMinutes: number;
  /** Demo mode: make 王秀英's contract, a year of readings and the worklist on the first start (YUNYI_DEMO_FAMILY_DOCTOR). */
  demoContracts: boolean;
}

/**
 * Remote diagnosis ([11/12], docs/remote-diagnosis.md): the turnaround targets (minutes from the material
 * reaching the centre to the signed report) per kind and urgency, and the largest upload accepted.
 */
export interface RemoteSettings {
  targetMinutes: Record<'ecg' | 'imaging' | 'lab', Record<'routine' | 'urgent', number>>;
  /** The largest ECG or DICOM upload, bytes (one request's files together). */
  maxUploadBytes: number;
  /** Demo mode: make the demo region's remote-diagnosis requests on the first start (YUNYI_DEMO_REMOTE). */
  demoRequests: boolean;
  /** Where the demo's ECG and DICOM files are read from (YUNYI_DEMO_TESTDATA; the shared test data). */
  demoTestdataDir: string;
}

/**
 * 等保三级 ([10/12], docs/security.md): the numbers an assessor checks, as settings with the defaults of
 * ../shared/docs/security.md. Every one has an environment variable (docs/operations.md lists them).
 */
export interface SecuritySettings {
  /** DJ-2: staff passwords; patients (SMS login; a password is optional) meet the lighter patient policy. */
  password: {
    minLength: number;
    /** Of the four classes: lower case, upper case, digits, other characters. */
    minClasses: number;
    /** A staff password older than this must be changed at the next login. */
    maxAgeDays: number;
    /** How many earlier passwords may not be used again. */
    historyCount: number;
    patientMinLength: number;
    patientMinClasses: number;
  };
  /** DJ-6: second factor. */
  mfa: {
    /** The issuer an authenticator app shows beside the account. */
    issuer: string;
    /** How long a login's second-factor challenge may be answered. */
    challengeTtlMs: number;
    /** Demo mode: demo accounts that have not enrolled a second factor log in with the password alone. */
    demoSkip: boolean;
  };
  /**
   * DJ-19: address ranges (CIDR) from which staff consoles and staff API routes are served. Default: any in
   * demo mode; otherwise loopback and the private ranges (10/8, 172.16/12, 192.168/16, fc00::/7).
   */
  consoleRanges: string[];
  /** DJ-17, DJ-30: intrusion detection thresholds and the per-account limits on exports and bulk reads. */
  alerts: {
    /** Failed logins on this many different accounts from one address within the window: brute force. */
    bruteForceAccounts: number;
    bruteForceWindowMs: number;
    /** Refusals (403/404) on this many different patient ids by one account within the window: enumeration. */
    enumerationIds: number;
    enumerationWindowMs: number;
    /** Exports per account per hour (refused beyond, and an alert). */
    exportsPerHour: number;
    /** Patient records read per account per hour before it is unusual (an alert; refused at twice this). */
    bulkReadsPerHour: number;
  };
  /** DJ-21: a clamd (ClamAV) daemon uploads are scanned by; null: no scanning (type checks only). */
  clamd: { host: string; port: number; timeoutMs: number } | { socketPath: string; timeoutMs: number } | null;
  /** DJ-5: serve HTTPS directly (small deployments without a proxy). */
  tls: { certFile: string; keyFile: string; redirectPort: number | null; hstsMaxAgeSeconds: number } | null;
  /** DJ-27: SM4 key (16 bytes, YUNYI_BACKUP_KEY) backups are encrypted with; demo mode derives one; null: no backups. */
  backupKey: Buffer | null;
  /** DJ-22: where `npm run cli -- integrity` keeps the recorded baseline. */
  integrityBaselineFile: string;
}

/**
 * Running several API nodes ([9/12], docs/operations.md). None of it is needed for one process: without
 * NATS_URL events are delivered in process, without REDIS_URL counters live in PostgreSQL or in memory.
 */
export interface ClusterSettings {
  /** This node's name in logs, metrics and bus messages (YUNYI_NODE_ID; default host name and pid). */
  nodeId: string;
  /** NATS with JetStream: the outbox relay, durable consumers and the visit hub's fan-out between nodes. */
  natsUrl: string | null;
  /** Redis: shared rate limits; the bus between nodes (session revocations, the visit hub) when NATS_URL is not set. */
  redisUrl: string | null;
  /**
   * Put before this deployment's keys and channels in Redis (rate-limit counters, the Redis bus), so
   * deployments sharing one Redis do not share counters (YUNYI_REDIS_PREFIX, default `yunyi`).
   */
  redisPrefix: string;
  /**
   * The outbox's JetStream subjects `<natsPrefix>.<module>.<event>` and stream (upper case): `yunyi` →
   * stream YUNYI on `yunyi.>` (YUNYI_NATS_PREFIX; deployments or tests sharing one NATS use their own).
   */
  natsPrefix: string;
  /** How long a resolved session is reused without asking the database (revocations reach every node at once). */
  sessionCacheMs: number;
  /** On SIGTERM: how long in-flight requests may take before the process exits anyway. */
  drainMs: number;
  /** Bearer token that may read `/metrics` from anywhere (YUNYI_METRICS_TOKEN); without it, private addresses only. */
  metricsToken: string | null;
}

/** Medical insurance ([7/12]): the e-voucher, the fraud rules' thresholds (INS-4) and the nightly jobs. */
export interface InsuranceSettings {
  /** How long a simulated e-voucher token lasts (the real e-voucher's QR code: minutes). */
  voucherTtlMs: number;
  /** over_day_limit: the most days of supply one drug line may be insured for. */
  maxDaysSupply: number;
  /** doctor_hourly_volume: more insured prescriptions than this from one doctor in an hour is an alert. */
  doctorHourlyLimit: number;
  /** out_of_region_high_value: a claim at least this much (fen) from outside the insuring region… */
  outOfRegionHighValueFen: number;
  /** …repeated this many times within 30 days. */
  outOfRegionRepeat: number;
  /** The hour (Asia/Shanghai) after which the nightly fraud batch and reconciliation of yesterday run. */
  nightlyHour: number;
}

/** Online visits ([3/6]): timings, refunds, attachments and WebRTC servers. */
/** The health archive's access rules ([6/12], SEC-1). */
export interface RecordSettings {
  /** How long after a visit its doctor may still read the patient's archive (default 30 days). */
  careWindowMs: number;
  /** How long a break-glass access lasts (default 24 h). */
  breakGlassMs: number;
}

/** One hospital system allowed to send HL7 v2: its MSH-4 sending facility, its institution, its addresses. */
export interface Hl7Feed {
  sendingFacility: string;
  /** The institution's code in the directory (YC-H01). */
  institution: string;
  /** Source addresses allowed to send as this facility (exact IPs; IPv4-mapped IPv6 is normalised). */
  addresses: string[];
}

/** The MLLP listener: off unless YUNYI_HL7_PORT is set. */
export interface Hl7Settings {
  port: number | null;
  host: string;
  feeds: Hl7Feed[];
}

export interface VisitSettings {
  /** A paid visit no doctor starts within this long of entering the queue expires (full refund). */
  expiryMs: number;
  /** A completed text visit's chat closes this long after the last message. */
  chatCloseMs: number;
  /** How long an unpaid visit waits for its payment. */
  paymentHoldMs: number;
  /** Share of the fee refunded when the doctor refers the patient offline (VISIT-3). */
  referRefundPercent: number;
  /** STUN/TURN servers handed to WebRTC clients (RTCIceServer objects). */
  iceServers: { urls: string | string[]; username?: string; credential?: string }[];
  /** Attachments on local disk under this directory, unless S3 is configured. */
  attachmentDir: string;
  maxAttachmentBytes: number;
  s3: S3Settings | null;
  /** How often an open /ws socket's session and participations are checked again. */
  socketRecheckMs: number;
}

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface AuthSettings {
  /** Absolute lifetime of a patient session. */
  patientSessionTtlMs: number;
  /** Absolute lifetime of a staff session. */
  staffSessionTtlMs: number;
  /** DJ-4: idle staff sessions end after this long. */
  staffIdleTimeoutMs: number;
  otpTtlMs: number;
  otpResendIntervalMs: number;
  /** DJ-3: consecutive failures before the phone is locked, and for how long. */
  maxFailures: number;
  lockoutMs: number;
  /** Per-IP request budget for the auth routes per minute. */
  ipRateLimitPerMinute: number;
}

export class ConfigError extends Error {}

const DEMO_SECRET = 'yunyi-demo-only-not-a-secret';

function demoKey(purpose: string, bytes: number): Buffer {
  return createHash('sm3').update(`${DEMO_SECRET}:${purpose}`).digest().subarray(0, bytes);
}

function hexKey(name: string, value: string, bytes: number): Buffer {
  if (!/^[0-9a-fA-F]+$/.test(value) || value.length !== bytes * 2) {
    throw new ConfigError(`${name} 必须是 ${bytes * 2} 位十六进制字符串 (${bytes} bytes hex)`);
  }
  return Buffer.from(value, 'hex');
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new ConfigError(`${name} must be a number, got "${raw}"`);
  return n;
}

/**
 * Reads the configuration. Demo mode is on when YUNYI_DEMO=1, or by default on the embedded
 * database; YUNYI_DEMO=0 turns it off. Outside demo mode the keys are required (DJ-7, DJ-25).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  const demoFlag = env.YUNYI_DEMO;
  const demo =
    demoFlag === undefined || demoFlag === '' ? !databaseUrl : demoFlag === '1' || demoFlag === 'true';

  let fieldKeys: Record<string, Buffer>;
  let currentFieldKeyId: string;
  const missing: string[] = [];
  if (!env.YUNYI_FIELD_KEY) missing.push('YUNYI_FIELD_KEY');
  if (!env.YUNYI_INDEX_KEY) missing.push('YUNYI_INDEX_KEY');
  if (missing.length > 0 && !demo) {
    throw new ConfigError(
      `缺少必需的密钥配置：${missing.join(', ')}。生产模式（未开启 YUNYI_DEMO）必须提供字段加密密钥与盲索引密钥，` +
        `例如 YUNYI_FIELD_KEY=$(openssl rand -hex 16) YUNYI_INDEX_KEY=$(openssl rand -hex 32)。` +
        ` Missing required secrets: ${missing.join(', ')}.`,
    );
  }
  if (env.YUNYI_FIELD_KEY) {
    // Rotation: YUNYI_FIELD_KEY is the current key, YUNYI_FIELD_KEYS_OLD="id:hex,id:hex" the ones still readable.
    currentFieldKeyId = env.YUNYI_FIELD_KEY_ID || 'k1';
    fieldKeys = { [currentFieldKeyId]: hexKey('YUNYI_FIELD_KEY', env.YUNYI_FIELD_KEY, 16) };
    for (const pair of (env.YUNYI_FIELD_KEYS_OLD || '').split(',').filter(Boolean)) {
      const [id, hex] = pair.split(':');
      if (!id || !hex) throw new ConfigError('YUNYI_FIELD_KEYS_OLD must look like "k0:hex,k00:hex"');
      fieldKeys[id] = hexKey(`YUNYI_FIELD_KEYS_OLD(${id})`, hex, 16);
    }
  } else {
    currentFieldKeyId = 'demo';
    fieldKeys = { demo: demoKey('field', 16) };
  }
  const blindIndexKey = env.YUNYI_INDEX_KEY
    ? hexKey('YUNYI_INDEX_KEY', env.YUNYI_INDEX_KEY, 32)
    : demoKey('index', 32);

  const dataDir = path.resolve(env.DATA_DIR || './data');
  return {
    port: int(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir,
    demo,
    fieldKeys,
    currentFieldKeyId,
    blindIndexKey,
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024),
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    auth: {
      patientSessionTtlMs: int(env, 'PATIENT_SESSION_TTL_MINUTES', 7 * 24 * 60) * 60_000,
      staffSessionTtlMs: int(env, 'STAFF_SESSION_TTL_MINUTES', 12 * 60) * 60_000,
      staffIdleTimeoutMs: int(env, 'STAFF_IDLE_TIMEOUT_MINUTES', 30) * 60_000,
      otpTtlMs: 5 * 60_000,
      otpResendIntervalMs: int(env, 'OTP_RESEND_SECONDS', 60) * 1000,
      maxFailures: int(env, 'LOGIN_MAX_FAILURES', 5),
      lockoutMs: int(env, 'LOGIN_LOCKOUT_MINUTES', 15) * 60_000,
      ipRateLimitPerMinute: int(env, 'AUTH_RATE_LIMIT_PER_MINUTE', 60),
    },
    audit: { sealIntervalMs: int(env, 'AUDIT_SEAL_INTERVAL_MS', 2000), sealBatchSize: 1000 },
    jobIntervalMs: int(env, 'JOB_INTERVAL_MS', 5000),
    outboxIntervalMs: int(env, 'OUTBOX_INTERVAL_MS', 1000),
    webDir: path.resolve(env.WEB_DIR || 'dist/web'),
    remote: {
      targetMinutes: {
        ecg: {
          routine: int(env, 'YUNYI_TARGET_ECG_MINUTES', 120),
          urgent: int(env, 'YUNYI_TARGET_ECG_URGENT_MINUTES', 15),
        },
        imaging: {
          routine: int(env, 'YUNYI_TARGET_IMAGING_MINUTES', 24 * 60),
          urgent: int(env, 'YUNYI_TARGET_IMAGING_URGENT_MINUTES', 60),
        },
        lab: {
          routine: int(env, 'YUNYI_TARGET_LAB_MINUTES', 24 * 60),
          urgent: int(env, 'YUNYI_TARGET_LAB_URGENT_MINUTES', 120),
        },
      },
      maxUploadBytes: int(env, 'YUNYI_REMOTE_MAX_UPLOAD_MB', 200) * 1024 * 1024,
      demoRequests: env.YUNYI_DEMO_REMOTE !== '0',
      demoTestdataDir: path.resolve(env.YUNYI_DEMO_TESTDATA || '../shared/testdata'),
    },
    familyDoctor: {
      thresholds: {
        bpUncontrolled: {
          systolic: int(env, 'YUNYI_FD_BP_SYSTOLIC', 140),
          diastolic: int(env, 'YUNYI_FD_BP_DIASTOLIC', 90),
        },
        bpUrgent: {
          systolic: int(env, 'YUNYI_FD_BP_URGENT_SYSTOLIC', 180),
          diastolic: int(env, 'YUNYI_FD_BP_URGENT_DIASTOLIC', 110),
        },
        glucoseUncontrolledTenths: int(env, 'YUNYI_FD_GLUCOSE_TENTHS', 70),
        glucoseUrgentHighTenths: int(env, 'YUNYI_FD_GLUCOSE_URGENT_HIGH_TENTHS', 167),
        glucoseUrgentLowTenths: int(env, 'YUNYI_FD_GLUCOSE_URGENT_LOW_TENTHS', 39),
      },
      followupsPerYear: int(env, 'YUNYI_FD_FOLLOWUPS_PER_YEAR', 4),
      recheckDays: int(env, 'YUNYI_FD_RECHECK_DAYS', 14),
      renewalWindowDays: int(env, 'YUNYI_FD_RENEWAL_WINDOW_DAYS', 60),
      earlySwitchAfterMonths: env.YUNYI_FD_EARLY_SWITCH_MONTHS
        ? int(env, 'YUNYI_FD_EARLY_SWITCH_MONTHS', 12)
        : null,
      minFeePerYearFen: int(env, 'YUNYI_FD_MIN_FEE_FEN', 10_000),
      visitFees: {
        attendingOrBelow: int(env, 'YUNYI_FD_FEE_ATTENDING_FEN', 6_000),
        associateChief: int(env, 'YUNYI_FD_FEE_ASSOCIATE_CHIEF_FEN', 7_000),
        chief: int(env, 'YUNYI_FD_FEE_CHIEF_FEN', 8_000),
        nurse: int(env, 'YUNYI_FD_FEE_NURSE_FEN', 5_000),
        sickbedRound: int(env, 'YUNYI_FD_FEE_SICKBED_FEN', 8_000),
      },
      nursing: {
        minYears: int(env, 'YUNYI_FD_NURSING_MIN_YEARS', 5),
        titles: ['护师', '主管护师', '副主任护师', '主任护师'],
      },
      holdMinutes: int(env, 'YUNYI_FD_HOLD_MINUTES', 30),
      demoContracts: env.YUNYI_DEMO_FAMILY_DOCTOR !== '0',
    },
    records: {
      careWindowMs: int(env, 'YUNYI_CARE_WINDOW_DAYS', 30) * 86_400_000,
      breakGlassMs: int(env, 'YUNYI_BREAK_GLASS_HOURS', 24) * 3600_000,
    },
    insurance: {
      voucherTtlMs: int(env, 'YUNYI_INS_VOUCHER_MINUTES', 10) * 60_000,
      maxDaysSupply: int(env, 'YUNYI_INS_MAX_DAYS_SUPPLY', 30),
      doctorHourlyLimit: int(env, 'YUNYI_INS_DOCTOR_HOURLY_LIMIT', 30),
      outOfRegionHighValueFen: int(env, 'YUNYI_INS_OUT_OF_REGION_FEN', 50_000),
      outOfRegionRepeat: int(env, 'YUNYI_INS_OUT_OF_REGION_REPEAT', 3),
      nightlyHour: int(env, 'YUNYI_INS_NIGHTLY_HOUR', 2),
    },
    cluster: {
      nodeId: env.YUNYI_NODE_ID || `${hostname()}-${process.pid}`,
      natsUrl: env.NATS_URL || null,
      redisUrl: env.REDIS_URL || null,
      redisPrefix: env.YUNYI_REDIS_PREFIX || 'yunyi',
      natsPrefix: env.YUNYI_NATS_PREFIX || 'yunyi',
      sessionCacheMs: int(env, 'YUNYI_SESSION_CACHE_MS', 30_000),
      drainMs: int(env, 'YUNYI_DRAIN_MS', 10_000),
      metricsToken: env.YUNYI_METRICS_TOKEN || null,
    },
    security: securitySettings(env, demo, dataDir),
    hl7: {
      port: env.YUNYI_HL7_PORT ? int(env, 'YUNYI_HL7_PORT', 2575) : null,
      host: env.YUNYI_HL7_HOST || '0.0.0.0',
      feeds: hl7Feeds(env.YUNYI_HL7_FEEDS),
    },
    visits: {
      expiryMs: int(env, 'YUNYI_VISIT_EXPIRY_HOURS', 24) * 3600_000,
      chatCloseMs: int(env, 'YUNYI_CHAT_CLOSE_HOURS', 48) * 3600_000,
      paymentHoldMs: int(env, 'YUNYI_VISIT_PAYMENT_MINUTES', 15) * 60_000,
      referRefundPercent: int(env, 'YUNYI_REFER_REFUND_PERCENT', 100),
      iceServers: iceServers(env.YUNYI_ICE_SERVERS),
      attachmentDir: path.resolve(env.YUNYI_ATTACHMENT_DIR || path.join(dataDir, 'attachments')),
      maxAttachmentBytes: int(env, 'YUNYI_ATTACHMENT_MAX_MB', 10) * 1024 * 1024,
      socketRecheckMs: int(env, 'YUNYI_WS_RECHECK_MS', 30_000),
      s3: env.YUNYI_S3_ENDPOINT
        ? {
            endpoint: env.YUNYI_S3_ENDPOINT,
            bucket: env.YUNYI_S3_BUCKET || 'yunyi',
            region: env.YUNYI_S3_REGION || 'cn-north-1',
            accessKeyId: env.YUNYI_S3_ACCESS_KEY || '',
            secretAccessKey: env.YUNYI_S3_SECRET_KEY || '',
          }
        : null,
    },
  };
}

/** TRUST_PROXY: unset or 0 → none; a number → that many hops; otherwise a comma list of proxy addresses/CIDRs. */
function trustProxyOf(raw: string | undefined): boolean | number | string {
  if (!raw || raw === '0' || raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

const PRIVATE_RANGES = [
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
];

function securitySettings(env: NodeJS.ProcessEnv, demo: boolean, dataDir: string): SecuritySettings {
  const list = (raw: string | undefined) =>
    (raw ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const consoleRanges = env.YUNYI_CONSOLE_RANGES
    ? list(env.YUNYI_CONSOLE_RANGES)
    : demo
      ? ['0.0.0.0/0', '::/0']
      : PRIVATE_RANGES;
  const timeoutMs = int(env, 'YUNYI_CLAMD_TIMEOUT_MS', 10_000);
  const clamd = env.YUNYI_CLAMD
    ? env.YUNYI_CLAMD.startsWith('/')
      ? { socketPath: env.YUNYI_CLAMD, timeoutMs }
      : clamdAddress(env.YUNYI_CLAMD, timeoutMs)
    : null;
  return {
    password: {
      minLength: int(env, 'YUNYI_PASSWORD_MIN_LENGTH', 8),
      minClasses: int(env, 'YUNYI_PASSWORD_MIN_CLASSES', 3),
      maxAgeDays: int(env, 'YUNYI_PASSWORD_MAX_AGE_DAYS', 90),
      historyCount: int(env, 'YUNYI_PASSWORD_HISTORY', 5),
      patientMinLength: int(env, 'YUNYI_PATIENT_PASSWORD_MIN_LENGTH', 8),
      patientMinClasses: int(env, 'YUNYI_PATIENT_PASSWORD_MIN_CLASSES', 2),
    },
    mfa: {
      issuer: env.YUNYI_MFA_ISSUER || '云医 Yunyi',
      challengeTtlMs: int(env, 'YUNYI_MFA_CHALLENGE_MINUTES', 5) * 60_000,
      demoSkip: demo && env.YUNYI_DEMO_MFA !== '1',
    },
    consoleRanges,
    alerts: {
      bruteForceAccounts: int(env, 'YUNYI_ALERT_BRUTE_FORCE_ACCOUNTS', 5),
      bruteForceWindowMs: int(env, 'YUNYI_ALERT_BRUTE_FORCE_MINUTES', 10) * 60_000,
      enumerationIds: int(env, 'YUNYI_ALERT_ENUMERATION_IDS', 10),
      enumerationWindowMs: int(env, 'YUNYI_ALERT_ENUMERATION_MINUTES', 10) * 60_000,
      exportsPerHour: int(env, 'YUNYI_EXPORTS_PER_HOUR', 20),
      bulkReadsPerHour: int(env, 'YUNYI_BULK_READS_PER_HOUR', 300),
    },
    clamd,
    tls:
      env.YUNYI_TLS_CERT && env.YUNYI_TLS_KEY
        ? {
            certFile: path.resolve(env.YUNYI_TLS_CERT),
            keyFile: path.resolve(env.YUNYI_TLS_KEY),
            redirectPort: env.YUNYI_HTTP_REDIRECT_PORT ? int(env, 'YUNYI_HTTP_REDIRECT_PORT', 80) : null,
            hstsMaxAgeSeconds: int(env, 'YUNYI_HSTS_MAX_AGE', 31_536_000),
          }
        : null,
    backupKey: env.YUNYI_BACKUP_KEY
      ? hexKey('YUNYI_BACKUP_KEY', env.YUNYI_BACKUP_KEY, 16)
      : demo
        ? demoKey('backup', 16)
        : null,
    integrityBaselineFile: path.resolve(
      env.YUNYI_INTEGRITY_BASELINE || path.join(dataDir, 'integrity-baseline.json'),
    ),
  };
}

function clamdAddress(raw: string, timeoutMs: number) {
  const m = /^([^:]+):(\d+)$/.exec(raw);
  if (!m) throw new ConfigError('YUNYI_CLAMD must be host:port (e.g. 127.0.0.1:3310) or a socket path');
  return { host: m[1]!, port: Number(m[2]), timeoutMs };
}

/** YUNYI_ICE_SERVERS is a JSON array of RTCIceServer objects; unset means none (loopback and LAN only). */
function iceServers(raw: string | undefined): VisitSettings['iceServers'] {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (Array.isArray(parsed)) return parsed as VisitSettings['iceServers'];
  } catch {
    // fall through
  }
  throw new ConfigError('YUNYI_ICE_SERVERS must be a JSON array like [{"urls":"stun:stun.example.cn:3478"}]');
}

/** YUNYI_HL7_FEEDS is a JSON array: [{"sendingFacility":"YCH01HIS","institution":"YC-H01","addresses":["10.0.0.5"]}]. */
function hl7Feeds(raw: string | undefined): Hl7Feed[] {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (
      Array.isArray(parsed) &&
      parsed.every(
        (f) =>
          f &&
          typeof f.sendingFacility === 'string' &&
          typeof f.institution === 'string' &&
          Array.isArray(f.addresses) &&
          f.addresses.every((a: unknown) => typeof a === 'string'),
      )
    )
      return parsed as Hl7Feed[];
  } catch {
    // fall through
  }
  throw new ConfigError(
    'YUNYI_HL7_FEEDS must be a JSON array like [{"sendingFacility":"YCH01HIS","institution":"YC-H01","addresses":["10.0.0.5"]}]',
  );
}
