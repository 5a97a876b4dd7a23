/**
 * Every error of the FHIR API as an OperationOutcome ([6/12]): the stable code of the platform's error
 * catalogue in `issue.details.coding` (the same code, and the same HTTP status, as over REST — a booking
 * refusal is SLOT_FULL 409 on both), the zh-CN title in `details.text` and the detail in `diagnostics`;
 * en-US when the request's Accept-Language prefers English (as problem+json does).
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { FastifyError, FastifyRequest } from 'fastify';
import { AppError, catalogued, platformErrors, prefersEnglish } from '../platform/errors.js';
import { fhirErrors } from './fhir.errors.js';

export const ERROR_CODE_SYSTEM = 'https://yunyi.example.cn/fhir/CodeSystem/error-code';

type IssueType = OperationOutcomeIssue['code'];

/** The FHIR issue type (http://hl7.org/fhir/issue-type) of a refusal. */
export function issueType(status: number, code: string): IssueType {
  if (code === 'FHIR_UNKNOWN_PARAMETER' || code === 'FHIR_OPERATION_NOT_SUPPORTED') return 'not-supported';
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'login';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
    case 406:
    case 415:
      return 'not-supported';
    case 409:
      return 'conflict';
    case 413:
      return 'too-long';
    case 422:
      return 'business-rule';
    case 429:
      return 'throttled';
    default:
      return status >= 500 ? 'exception' : 'processing';
  }
}

export interface OutcomeAnswer {
  status: number;
  code: string;
  outcome: OperationOutcome;
}

/** The OperationOutcome of one catalogued error, in the caller's language. */
export function outcomeOf(err: AppError, english: boolean): OutcomeAnswer {
  const spec = catalogued().get(err.code)?.[0]?.spec;
  const enDetail = typeof err.extra?.en === 'string' ? err.extra.en : undefined;
  const text = english ? (spec?.en ?? err.title) : err.title;
  const diagnostics = english ? (enDetail ?? spec?.en ?? err.title) : (err.detail ?? err.title);
  return {
    status: err.status,
    code: err.code,
    outcome: {
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: err.status >= 500 ? 'fatal' : 'error',
          code: issueType(err.status, err.code),
          details: { coding: [{ system: ERROR_CODE_SYSTEM, code: err.code, display: err.title }], text },
          diagnostics,
        },
      ],
    },
  };
}

const BY_STATUS: Record<number, (typeof platformErrors)[keyof typeof platformErrors]> = {
  400: platformErrors.badRequest,
  401: platformErrors.unauthenticated,
  403: platformErrors.forbidden,
  404: platformErrors.notFound,
  405: fhirErrors.operationNotSupported,
  406: fhirErrors.formatNotSupported,
  413: platformErrors.payloadTooLarge,
  415: platformErrors.unsupportedMediaType,
  429: platformErrors.rateLimited,
};

/**
 * Any error a FHIR route meets, as a catalogued AppError: ours pass through; Fastify's own 4xx (bad JSON,
 * body too large, unsupported content type) keep a stable code of ours; anything else is a 500 whose
 * details stay in the log.
 */
export function asAppError(err: unknown, request: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  if (fe.validation) {
    const detail = fe.validation
      .map((v) => `${fe.validationContext ?? ''}${v.instancePath} ${v.message}`)
      .join('；');
    return fhirErrors.invalidParameter(detail, { en: detail });
  }
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const make = BY_STATUS[status] ?? platformErrors.badRequest;
    const json = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
    return json ? make('请求体不是有效的 JSON。', { en: 'The body is not valid JSON' }) : make();
  }
  // Only message, code and stack: driver errors may carry the query's parameters (personal data).
  const e = err as Error & { code?: string };
  request.log.error({ err: { message: e.message, code: e.code, stack: e.stack } }, 'unhandled FHIR error');
  return platformErrors.internal();
}

export function outcomeFor(err: unknown, request: FastifyRequest): OutcomeAnswer {
  return outcomeOf(asAppError(err, request), prefersEnglish(request));
}
