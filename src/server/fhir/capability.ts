/**
 * The CapabilityStatement ([6/12]), generated from the providers so it lists exactly what works: per
 * type read + search-type (+ create for Appointment when scheduling offers booking), every search
 * parameter the parser accepts for it (a test asks each one and one more that is refused), the
 * `_include` values, the `_sort` keys, and $everything on Patient.
 */
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceSearchParam,
} from '@medplum/fhirtypes';
import { COUNT_DEFAULT, COUNT_MAX, includeValues, sortValues } from './search.js';
import { SCOPE_DOC } from './tokens.js';
import type { FhirProvider } from './types.js';

type SearchParam = CapabilityStatementRestResourceSearchParam;

const COMMON: Record<FhirProvider['common'][number], Omit<SearchParam, 'name'>> = {
  patient: {
    type: 'reference',
    documentation: '患者：Patient/{id} 或 {id}；逗号分隔为“或”，重复参数为“且”。',
  },
  subject: { type: 'reference', documentation: '对象（患者）：Patient/{id} 或 {id}。' },
  date: {
    type: 'date',
    documentation:
      '日期，前缀 eq ne lt gt le ge sa eb ap；精度年、月、日或时刻；无时区按 Asia/Shanghai（UTC+8）。',
  },
  status: { type: 'token', documentation: '状态码；逗号分隔为“或”。' },
  identifier: { type: 'token', documentation: '标识符：system|value、|value 或 value。' },
  code: { type: 'token', documentation: '编码：system|code、|code 或 code；逗号为“或”，重复为“且”。' },
};

/** Every search parameter a type accepts, as the parser accepts them (search.ts). */
export function searchParamsOf(provider: FhirProvider): SearchParam[] {
  const params: SearchParam[] = [
    { name: '_id', type: 'token', documentation: '资源编号；逗号分隔为“或”。' },
    {
      name: '_lastUpdated',
      type: 'date',
      documentation: '最后更新时间（meta.lastUpdated），日期前缀同 date。',
    },
  ];
  for (const name of provider.common) params.push({ name, ...COMMON[name] });
  const seen = new Set(params.map((p) => p.name));
  for (const p of provider.searchParams) {
    if (seen.has(p.name)) continue;
    seen.add(p.name);
    params.push({ name: p.name, type: p.type, documentation: p.documentation });
  }
  return params;
}

export interface CapabilityOptions {
  base: string;
  date: Date;
  /** POST /Appointment books through scheduling's rules (scheduling.fhir.ts exports bookFromFhir). */
  canBook: boolean;
}

export function capabilityStatement(
  providers: ReadonlyMap<string, FhirProvider>,
  opts: CapabilityOptions,
): CapabilityStatement {
  const resources = [...providers.values()].map((p): CapabilityStatementRestResource => {
    const includes = includeValues(p);
    const interactions: CapabilityStatementRestResource['interaction'] = [
      { code: 'read' },
      { code: 'search-type' },
    ];
    if (p.type === 'Appointment' && opts.canBook) {
      interactions.push({
        code: 'create',
        documentation: '按挂号规则预约（与 REST 相同的规则和错误码，错误以 OperationOutcome 返回）。',
      });
    }
    return {
      type: p.type as CapabilityStatementRestResource['type'],
      profile: `http://hl7.org/fhir/StructureDefinition/${p.type}`,
      documentation: `_sort: ${sortValues(p).join(', ')}（默认 ${p.sorts[0] ?? '_id'}）`,
      interaction: interactions,
      versioning: 'versioned',
      readHistory: false,
      updateCreate: false,
      ...(includes.length ? { searchInclude: includes } : {}),
      searchParam: searchParamsOf(p),
      ...(p.type === 'Patient'
        ? {
            operation: [
              {
                name: 'everything',
                definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
                documentation: '患者的全部可读数据（调阅者有权查看的类别），一个 searchset Bundle，不分页。',
              },
            ],
          }
        : {}),
    };
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: opts.date.toISOString(),
    publisher: '云医 Yunyi',
    kind: 'instance',
    name: 'YunyiFhirR4',
    title: '云医 FHIR R4 接口',
    software: { name: '云医 Yunyi', version: '0.1.0' },
    implementation: { description: '云医区域互联网医院平台 FHIR R4 接口', url: opts.base },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        documentation:
          `查询为严格模式：未列出的参数返回 400。_count 默认 ${COUNT_DEFAULT}、最大 ${COUNT_MAX}；` +
          '_sort 每次一个键（- 为降序）；翻页用应答的 next 链接（_cursor 为不透明的键集游标，数据变化时不重不漏）。' +
          'meta.versionId 为最后修改时刻（毫秒）的 36 进制；不提供 _history。',
        security: {
          cors: false,
          service: [{ text: 'Bearer（/api/v1/auth/login 取得的会话令牌）' }],
          description: SCOPE_DOC,
        },
        resource: resources,
      },
    ],
  };
}
