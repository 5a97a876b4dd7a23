import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * The one error type of the platform (style: one error type, one error handler). Code is stable and
 * upper snake case; title is the zh-CN summary; detail says what was wrong with this request.
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

// Common errors, one place for their wording.
export const errors = {
  unauthenticated: () =>
    new AppError(401, 'UNAUTHENTICATED', '请先登录', '缺少有效的登录凭证，或登录已过期。'),
  forbidden: (detail = '当前账号无权执行此操作。') => new AppError(403, 'FORBIDDEN', '无权访问', detail),
  notFound: (what: string) => new AppError(404, 'NOT_FOUND', '资源不存在', `${what}不存在。`),
  notYourPatient: (detail = '您不是该就诊人的本人或已生效的代理人。') =>
    new AppError(403, 'NOT_YOUR_PATIENT', '无权代理该就诊人', detail),
};

const statusTitles: Record<number, [string, string]> = {
  400: ['BAD_REQUEST', '请求格式错误'],
  401: ['UNAUTHENTICATED', '请先登录'],
  403: ['FORBIDDEN', '无权访问'],
  404: ['NOT_FOUND', '资源不存在'],
  405: ['METHOD_NOT_ALLOWED', '不支持的请求方法'],
  406: ['NOT_ACCEPTABLE', '不支持的响应格式'],
  413: ['PAYLOAD_TOO_LARGE', '请求体过大'],
  415: ['UNSUPPORTED_MEDIA_TYPE', '不支持的内容类型'],
  429: ['RATE_LIMITED', '请求过于频繁'],
};

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
export function registerErrorHandling(app: FastifyInstance): void {
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
      body = problem(
        400,
        'VALIDATION_FAILED',
        '请求参数校验失败',
        fields.map((f) => `${f.field}：${f.message}`).join('；'),
        {
          fields,
        },
      );
    } else {
      const status = (err as FastifyError).statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const [code, title] = statusTitles[status] ?? ['BAD_REQUEST', '请求错误'];
        const fcode = (err as FastifyError).code;
        // Fastify's own 4xx (bad JSON, body too large, …): keep a stable code of ours.
        const detail =
          fcode === 'FST_ERR_CTP_INVALID_JSON_BODY' || fcode?.startsWith('FST_ERR_CTP')
            ? '请求体不是有效的 JSON。'
            : undefined;
        body = problem(status, code, title, detail ?? title);
      } else {
        // Only message, code and stack: driver errors may carry the query's parameters (personal data).
        const e = err as Error & { code?: string };
        request.log.error({ err: { message: e.message, code: e.code, stack: e.stack } }, 'unhandled error');
        body = problem(500, 'INTERNAL_ERROR', '服务器内部错误', '服务器处理请求时出错，请稍后再试。');
      }
    }
    reply.status(body.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
  });
}

export function notFoundProblem(method: string, url: string): Problem {
  return problem(404, 'NOT_FOUND', '资源不存在', `没有这个接口：${method} ${url.split('?')[0]}`);
}
