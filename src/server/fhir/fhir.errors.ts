import { defineErrors } from '../platform/errors.js';

/**
 * The FHIR API's own refusals ([6/12]). They reach the client as an OperationOutcome whose
 * `issue.details.coding` carries the code (system https://yunyi.example.cn/fhir/CodeSystem/error-code);
 * refusals of the modules behind the API (booking rules, NO_CARE_RELATIONSHIP, UNAUTHENTICATED…) keep
 * their own codes and statuses, the same as over REST.
 */
export const fhirErrors = defineErrors('fhir', {
  unknownType: {
    status: 404,
    code: 'FHIR_UNKNOWN_TYPE',
    title: '不支持的 FHIR 资源类型',
    en: 'Unsupported FHIR resource type',
    detail: '本服务不提供这种资源类型（支持的类型见 /fhir/R4/metadata）。',
    action: '查看 CapabilityStatement（/fhir/R4/metadata）中列出的资源类型。',
  },
  resourceNotFound: {
    status: 404,
    code: 'FHIR_RESOURCE_NOT_FOUND',
    title: 'FHIR 资源不存在',
    en: 'FHIR resource not found',
    detail: '没有这个编号的资源。',
    action: '检查资源类型和编号。',
  },
  unknownParameter: {
    status: 400,
    code: 'FHIR_UNKNOWN_PARAMETER',
    title: '不支持的查询参数',
    en: 'Unsupported search parameter',
    detail: '查询中有本服务不支持的参数（严格模式：不忽略未知参数）。',
    action: '只使用 CapabilityStatement 为该资源类型列出的查询参数。',
  },
  invalidParameter: {
    status: 400,
    code: 'FHIR_INVALID_PARAMETER',
    title: '查询参数取值无效',
    en: 'Invalid search parameter value',
    detail: '查询参数的取值格式不正确。',
    action: '按 FHIR R4 的参数格式修改后重试（见 docs/fhir.md）。',
  },
  invalidCursor: {
    status: 400,
    code: 'FHIR_INVALID_CURSOR',
    title: '分页游标无效',
    en: 'Invalid paging cursor',
    detail: '_cursor 不是本服务为这次查询给出的游标。',
    action: '从第一页重新查询，并使用应答中 next 链接给出的地址翻页。',
  },
  formatNotSupported: {
    status: 406,
    code: 'FHIR_FORMAT_NOT_SUPPORTED',
    title: '不支持的 FHIR 格式',
    en: 'Unsupported FHIR format',
    detail: '本服务只提供 JSON（application/fhir+json）。',
    action: '去掉 _format 参数，或使用 _format=json。',
  },
  invalidResource: {
    status: 400,
    code: 'FHIR_INVALID_RESOURCE',
    title: '提交的 FHIR 资源无效',
    en: 'Invalid FHIR resource',
    detail: '请求体不是所需类型的 FHIR 资源。',
    action: '提交 resourceType 与地址一致的 JSON 资源。',
  },
  operationNotSupported: {
    status: 405,
    code: 'FHIR_OPERATION_NOT_SUPPORTED',
    title: '不支持的 FHIR 操作',
    en: 'FHIR interaction not supported',
    detail: '该资源类型不支持这种操作（支持的操作见 /fhir/R4/metadata）。',
    action: '查看 CapabilityStatement 中该资源类型的 interaction。',
  },
});
