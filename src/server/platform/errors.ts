import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';

/**
 * The one error type of the platform (style: one error type, one error handler). Code is stable and
 * upper snake case; title is the zh-CN summary; detail says what was wrong with this request. Made only
 * by a catalogue (`defineErrors`), so each code has one status and one title everywhere.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(`${code}: ${detail ?? title}`);
  }
}

/** One entry of a module's error catalogue (`<module>.errors.ts`); docs/errors.md is generated from them. */
export interface ErrorSpec {
  status: number;
  /** Stable machine code, UPPER_SNAKE_CASE, defined once across the codebase. */
  code: string;
  /** zh-CN title (the problem's `title`). */
  title: string;
  /** en-US title, answered when the request prefers English (Accept-Language). */
  en: string;
  /** Default zh-CN detail: when it happens. A call may pass a more precise one. */
  detail: string;
  /** What the user can do about it (docs/errors.md). */
  action?: string;
}

export type ErrorFactory = ((detail?: string, extra?: Record<string, unknown>) => AppError) & {
  readonly spec: ErrorSpec;
};

export interface CatalogueEntry {
  module: string;
  key: string;
  spec: ErrorSpec;
}

const catalogue = new Map<string, CatalogueEntry[]>();

/**
 * A module's error catalogue: `export const visitErrors = defineErrors('visits', { guardianRequired: {…} })`,
 * thrown as `visitErrors.guardianRequired()` or with a precise detail `visitErrors.guardianRequired('…')`.
 */
export function defineErrors<K extends string>(
  module: string,
  specs: Record<K, ErrorSpec>,
): Record<K, ErrorFactory> {
  const out = {} as Record<K, ErrorFactory>;
  for (const key of Object.keys(specs) as K[]) {
    const spec = specs[key];
    const entries = catalogue.get(spec.code) ?? [];
    if (!entries.some((e) => e.module === module && e.key === key)) entries.push({ module, key, spec });
    catalogue.set(spec.code, entries);
    const make = (detail?: string, extra?: Record<string, unknown>) =>
      new AppError(spec.status, spec.code, spec.title, detail ?? spec.detail, extra);
    out[key] = Object.assign(make, { spec });
  }
  return out;
}

/** Every catalogued code with where it is defined (more than one entry is a defect the catalogue test finds). */
export function catalogued(): ReadonlyMap<string, readonly CatalogueEntry[]> {
  return catalogue;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  [key: string]: unknown;
}

export const problemType = (code: string) =>
  `https://yunyi.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;

export function problem(
  status: number,
  code: string,
  title: string,
  detail?: string,
  extra?: Record<string, unknown>,
): Problem {
  return { type: problemType(code), title, status, ...(detail ? { detail } : {}), code, ...extra };
}

/** Errors of the platform itself: framework answers and refusals every module gives. */
export const platformErrors = defineErrors('platform', {
  badRequest: {
    status: 400,
    code: 'BAD_REQUEST',
    title: '请求格式错误',
    en: 'Bad request',
    detail: '请求体不是有效的 JSON。',
    action: '检查请求格式后重试。',
  },
  validationFailed: {
    status: 400,
    code: 'VALIDATION_FAILED',
    title: '请求参数校验失败',
    en: 'Validation failed',
    detail: '请求中有字段缺失或取值无效（fields 列出每个字段）。',
    action: '按提示修改标出的字段后重试。',
  },
  unauthenticated: {
    status: 401,
    code: 'UNAUTHENTICATED',
    title: '请先登录',
    en: 'Please sign in',
    detail: '缺少有效的登录凭证，或登录已过期。',
    action: '重新登录。',
  },
  forbidden: {
    status: 403,
    code: 'FORBIDDEN',
    title: '无权访问',
    en: 'Forbidden',
    detail: '当前账号无权执行此操作。',
    action: '换用有权限的账号，或联系机构管理员开通权限。',
  },
  passwordChangeRequired: {
    status: 403,
    code: 'PASSWORD_CHANGE_REQUIRED',
    title: '请先修改密码',
    en: 'Change your password first',
    detail: '初始密码须在首次登录时修改，超过有效期的密码须修改后才能继续使用（DJ-2）。',
    action: '在“修改密码”页面设置新密码后继续。',
  },
  notYourPatient: {
    status: 403,
    code: 'NOT_YOUR_PATIENT',
    title: '无权代理该就诊人',
    en: 'Not your patient',
    detail: '您不是该就诊人的本人或已生效的代理人。',
    action: '先在“家庭成员”中添加并确认该就诊人。',
  },
  notFound: {
    status: 404,
    code: 'NOT_FOUND',
    title: '资源不存在',
    en: 'Not found',
    detail: '请求的资源不存在。',
    action: '检查链接或编号是否正确。',
  },
  methodNotAllowed: {
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    title: '不支持的请求方法',
    en: 'Method not allowed',
    detail: '该接口不支持这个请求方法。',
  },
  notAcceptable: {
    status: 406,
    code: 'NOT_ACCEPTABLE',
    title: '不支持的响应格式',
    en: 'Not acceptable',
    detail: '服务器无法按请求的格式应答。',
  },
  payloadTooLarge: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    title: '请求体过大',
    en: 'Payload too large',
    detail: '请求体超过了允许的大小。',
    action: '压缩或拆分后重试。',
  },
  unsupportedMediaType: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    title: '不支持的内容类型',
    en: 'Unsupported media type',
    detail: '请求的内容类型不被接受。',
    action: '换用支持的文件或内容类型。',
  },
  idempotencyKeyReused: {
    status: 422,
    code: 'IDEMPOTENCY_KEY_REUSED',
    title: '幂等键已被使用',
    en: 'Idempotency key reused',
    detail: '同一个 Idempotency-Key 不能用于不同的请求。',
    action: '为新的请求生成新的 Idempotency-Key。',
  },
  rateLimited: {
    status: 429,
    code: 'RATE_LIMITED',
    title: '请求过于频繁',
    en: 'Too many requests',
    detail: '请求过于频繁，请稍后再试。',
    action: '稍等一分钟后重试。',
  },
  notReady: {
    status: 503,
    code: 'NOT_READY',
    title: '服务暂未就绪',
    en: 'Not ready',
    detail: '本节点暂不接收请求：依赖（数据库、NATS、Redis）不可达，或节点正在排空。',
    action: '由负载均衡转到其他节点；持续出现请检查依赖服务。',
  },
  internal: {
    status: 500,
    code: 'INTERNAL_ERROR',
    title: '服务器内部错误',
    en: 'Internal server error',
    detail: '服务器处理请求时出错，请稍后再试。',
    action: '稍后重试；持续出现请联系平台运维。',
  },
});

// Common errors with the call signatures modules use.
export const errors = {
  unauthenticated: () => platformErrors.unauthenticated(),
  forbidden: (detail?: string) => platformErrors.forbidden(detail),
  notFound: (what: string) => platformErrors.notFound(`${what}不存在。`),
  notYourPatient: (detail?: string) => platformErrors.notYourPatient(detail),
  validationFailed: (detail: string, extra?: Record<string, unknown>) =>
    platformErrors.validationFailed(detail, extra),
  idempotencyKeyReused: () => platformErrors.idempotencyKeyReused(),
};

// Fastify's own 4xx answers, as catalogue entries.
const byStatus: Record<number, ErrorFactory> = {
  400: platformErrors.badRequest,
  401: platformErrors.unauthenticated,
  403: platformErrors.forbidden,
  404: platformErrors.notFound,
  405: platformErrors.methodNotAllowed,
  406: platformErrors.notAcceptable,
  413: platformErrors.payloadTooLarge,
  415: platformErrors.unsupportedMediaType,
  429: platformErrors.rateLimited,
};

/** Whether the caller asked for English first (server-made text is zh-CN unless so). */
export function prefersEnglish(request: Pick<FastifyRequest, 'headers'>): boolean {
  const first = String(request.headers['accept-language'] ?? '')
    .split(',')[0]
    ?.trim()
    .toLowerCase();
  return !!first && first.startsWith('en');
}

/** The problem's title in the caller's language: the catalogue's en-US title when English is preferred. */
function localise(body: Problem, request: Pick<FastifyRequest, 'headers'>): Problem {
  if (!prefersEnglish(request)) return body;
  const entry = catalogue.get(body.code)?.[0];
  return entry ? { ...body, title: entry.spec.en } : body;
}

interface ValidationIssue {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** zh-CN wording of the validator's complaints (DJ-18: a clear message for every refused input). */
function zhMessage(v: ValidationIssue): string {
  const p = v.params ?? {};
  switch (v.keyword) {
    case 'required':
      return '缺少必填字段';
    case 'pattern':
    case 'format':
      return '格式不正确';
    case 'minLength':
      return `长度不能少于 ${p.limit} 个字符`;
    case 'maxLength':
      return `长度不能超过 ${p.limit} 个字符`;
    case 'minimum':
      return `不能小于 ${p.limit}`;
    case 'maximum':
      return `不能大于 ${p.limit}`;
    case 'type':
      return `类型应为 ${p.type}`;
    case 'enum':
      return `取值应为 ${((p.allowedValues as unknown[]) ?? []).join(' / ')} 之一`;
    case 'additionalProperties':
      return `不允许的字段 ${p.additionalProperty}`;
    case 'minItems':
      return `至少需要 ${p.limit} 项`;
    case 'maxItems':
      return `最多 ${p.limit} 项`;
    default:
      return v.message ?? '取值无效';
  }
}

function fieldOf(issue: ValidationIssue, context: string | undefined): string {
  const missing = issue.params?.missingProperty ?? issue.params?.requiredProperties;
  const base = (issue.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
  const name = Array.isArray(missing) ? missing.join(',') : (missing as string | undefined);
  const field = [base, name].filter(Boolean).join('.');
  return `${context ?? 'body'}${field ? `.${field}` : ''}`;
}

/** Turns every error into application/problem+json; nothing of a 5xx leaves the server. */
/** The first field (`querystring.q`, `body.text`, …) holding a NUL character, which PostgreSQL text cannot store. */
function fieldWithNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > 8 || value === null || typeof value !== 'object') return undefined;
  // Parsed JSON and query strings only: an uploaded file's bytes (a Buffer) or a stream are not text.
  if (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    typeof (value as { pipe?: unknown }).pipe === 'function'
  )
    return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = fieldWithNul(inner, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function registerErrorHandling(app: FastifyInstance): void {
  // DJ-18: a NUL character (`?q=%00`, "\u0000" in JSON) is refused as invalid input on every route, before
  // it can reach the database (PostgreSQL rejects it in text: that would be a 500).
  app.addHook('preValidation', async (request) => {
    const field =
      fieldWithNul(request.query, 'querystring') ??
      fieldWithNul(request.params, 'params') ??
      fieldWithNul(request.body, 'body');
    if (field) {
      const message = '不能包含空字符（U+0000）';
      throw platformErrors.validationFailed(`${field}：${message}`, {
        fields: [{ field, message, keyword: 'pattern' }],
      });
    }
  });
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    let body: Problem;
    if (err instanceof AppError) {
      body = problem(err.status, err.code, err.title, err.detail, err.extra);
    } else if ((err as FastifyError).validation) {
      const fe = err as FastifyError;
      const unique = new Map<string, { field: string; message: string; keyword: string }>();
      for (const v of fe.validation as ValidationIssue[]) {
        if (v.keyword === 'anyOf' || v.keyword === 'oneOf') continue; // the branches say what is wrong
        const f = {
          field: fieldOf(v, fe.validationContext),
          message: zhMessage(v),
          keyword: v.keyword ?? '',
        };
        unique.set(`${f.field}|${f.message}`, f);
      }
      const fields = [...unique.values()];
      const e = platformErrors.validationFailed(fields.map((f) => `${f.field}：${f.message}`).join('；'), {
        fields,
      });
      body = problem(e.status, e.code, e.title, e.detail, e.extra);
    } else {
      const status = (err as FastifyError).statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const spec = (byStatus[status] ?? platformErrors.badRequest).spec;
        const fcode = (err as FastifyError).code;
        // Fastify's own 4xx (bad JSON, body too large, …): keep a stable code of ours.
        const detail =
          fcode === 'FST_ERR_CTP_INVALID_JSON_BODY' || fcode?.startsWith('FST_ERR_CTP')
            ? '请求体不是有效的 JSON。'
            : undefined;
        body = problem(status, spec.code, spec.title, detail ?? spec.title);
      } else {
        // Only message, code and stack: driver errors may carry the query's parameters (personal data).
        const e = err as Error & { code?: string };
        request.log.error({ err: { message: e.message, code: e.code, stack: e.stack } }, 'unhandled error');
        const internal = platformErrors.internal();
        body = problem(internal.status, internal.code, internal.title, internal.detail);
      }
    }
    body = localise(body, request);
    reply.status(body.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
  });
}

export function notFoundProblem(method: string, url: string): Problem {
  const e = platformErrors.notFound(`没有这个接口：${method} ${url.split('?')[0]}`);
  return problem(e.status, e.code, e.title, e.detail);
}
