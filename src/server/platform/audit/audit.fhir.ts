/**
 * AuditEvent ([6/12], SEC-1, DJ-12): the audit trail of what was done with a patient's data — who read
 * their records, under which relationship, who prescribed, dispensed, refused — for the patient.
 *
 * Who may read: only the patient and those who act for them (self, proxy: `env.ownPatients`), whatever
 * else the facade's `readable` list (category `basic`) allows. A doctor's care relationship opens the
 * patient's records, not the log of who else opened them; staff audit their institution elsewhere. Only
 * events that name a patient are served.
 *
 * Mapping: type DICOM 110110 Patient Record (110113 Security Alert for refusals and break-glass, 110114
 * User Authentication for sign-ins), subtype our action name, action C/R/U/D/E from the action's verb,
 * recorded = when it happened, outcome 0 success / 4 minor failure (a refused request: nothing happened),
 * agent = the account's holder by name (a Practitioner or the Patient referenced when the account is
 * one), never a phone, ID number or IP address (DJ-10); source = this platform; entity = the patient, with
 * the read's category, relationship and channel when the entry carries them.
 */
import type { AuditEvent, AuditEventEntity } from '@medplum/fhirtypes';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { coding, referenceLists, refIds, TERMINOLOGY, tokenLists } from '../../fhir/clinical.js';
import { LOCAL_CS, ref, shanghaiDateTime, versionMeta } from '../../fhir/datatypes.js';
import {
  and,
  datesSql,
  instantText,
  isUuid,
  patientScope,
  rowAfter,
  sortParam,
  textIn,
  uuidIn,
} from '../../fhir/sql.js';
import type { After, FhirEnv, FhirProvider, Found } from '../../fhir/types.js';
import {
  accountCards,
  accountOfPractitioner,
  patientCard,
  patientProfiles,
} from '../../modules/identity/identity.api.js';

export const AUDIT_ACTION_CS = `${LOCAL_CS}/audit-action`;
export const STAFF_ROLE_CS = `${LOCAL_CS}/role`;
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const AUDIT_ACTION = 'http://hl7.org/fhir/audit-event-action';

/**
 * The FHIR action of one of ours, by its verb — the first rule that matches (the same patterns in SQL,
 * so `action=R` searches what `toAuditEvent` says).
 */
export const ACTION_RULES: readonly [AuditEvent['action'] & string, string][] = [
  ['R', '(^|\\.)(read|list|export)$'],
  ['E', '^(auth|access)\\.|break_glass|forged|pickup_code_wrong'],
  ['C', '(^|\\.)(create|add|upload|join|record|message|prepay)$'],
  ['D', '(^|\\.)(remove|delete)$'],
];

export function auditActionCode(action: string): 'C' | 'R' | 'U' | 'D' | 'E' {
  for (const [code, pattern] of ACTION_RULES) if (new RegExp(pattern).test(action)) return code;
  return 'U';
}

const actionSql = sql<string>`(case ${sql.join(
  ACTION_RULES.map(([code, pattern]) => sql`when a.action ~ ${pattern} then ${code}`),
  sql` `,
)} else 'U' end)`;

function eventType(action: string) {
  if (/^auth\./.test(action)) return coding(DCM, '110114', 'User Authentication');
  if (/^access\.denied$|break_glass/.test(action)) return coding(DCM, '110113', 'Security Alert');
  return coding(DCM, '110110', 'Patient Record');
}

const ROLE_TEXT: Record<string, string> = {
  patient: '患者',
  doctor: '医生',
  nurse: '护士',
  pharmacist: '药师',
  org_admin: '机构管理员',
  regulator: '监管人员',
  insurer: '医保经办',
  system: '系统',
};

/** What a read's entry says of it (never a phone or ID number: DJ-10 keeps those out of details). */
const DETAIL_KEYS = ['category', 'what', 'relationship', 'channel'] as const;

function eventRows(env: FhirEnv) {
  return env.db
    .selectFrom('audit_event as a')
    .select([
      'a.id',
      'a.occurred_at',
      'a.actor_id',
      'a.actor_role',
      'a.action',
      'a.outcome',
      'a.resource_type',
      'a.patient_id',
      'a.details',
    ])
    .where('a.patient_id', 'is not', null);
}
type EventRow = Awaited<ReturnType<ReturnType<typeof eventRows>['execute']>>[number];

async function eventsOf(env: FhirEnv, rows: EventRow[]) {
  const [accounts, patients] = await Promise.all([
    accountCards(
      env.db,
      rows.flatMap((r) => (r.actor_id ? [r.actor_id] : [])),
    ),
    patientProfiles(
      env.db,
      rows.map((r) => r.patient_id!),
    ),
  ]);
  return rows.map((r): AuditEvent & { id: string } => {
    const patient = patients.get(r.patient_id!);
    const account = r.actor_id ? accounts.get(r.actor_id) : undefined;
    const role = r.actor_role ?? (r.actor_id ? null : 'system');
    const roleText = role ? (ROLE_TEXT[role] ?? role) : undefined;
    const who = !r.actor_id
      ? { display: '系统' }
      : patient?.accountId === r.actor_id
        ? ref('Patient', r.patient_id!, patient.name)
        : account?.practitionerId
          ? ref('Practitioner', account.practitionerId, account.name)
          : { display: account?.name || roleText || '用户' };
    const details = (r.details ?? {}) as Record<string, unknown>;
    const detail = DETAIL_KEYS.flatMap((k) =>
      typeof details[k] === 'string' ? [{ type: k, valueString: details[k] as string }] : [],
    );
    const entity: AuditEventEntity = {
      what: ref('Patient', r.patient_id!, patient?.name),
      type: coding(`${TERMINOLOGY}/audit-entity-type`, '1', 'Person'),
      role: coding(`${TERMINOLOGY}/object-role`, '1', 'Patient'),
      ...(detail.length > 0 ? { detail } : {}),
    };
    return {
      resourceType: 'AuditEvent',
      id: String(r.id),
      meta: versionMeta(r.occurred_at),
      type: eventType(r.action),
      subtype: [coding(AUDIT_ACTION_CS, r.action)],
      action: auditActionCode(r.action),
      recorded: shanghaiDateTime(r.occurred_at),
      outcome: r.outcome === 'success' ? '0' : '4',
      agent: [
        {
          ...(role ? { type: { coding: [coding(STAFF_ROLE_CS, role, roleText)], text: roleText } } : {}),
          who,
          requestor: r.actor_id !== null,
        },
      ],
      source: {
        site: '云医',
        observer: { display: '云医互联网医院平台' },
        type: [coding(`${TERMINOLOGY}/security-source-type`, '4', 'Application Server')],
      },
      entity: [entity],
    };
  });
}

const isEventId = (id: string) => /^\d{1,15}$/.test(id);

/** After (occurred_at, id): false for a cursor that cannot exist. */
function eventAfter(after: After | undefined, desc: boolean): RawBuilder<SqlBool> {
  if (!after) return sql<SqlBool>`true`;
  const v = sortParam(after.value, 'instant');
  if (v === undefined || !isEventId(after.id)) return sql<SqlBool>`false`;
  return rowAfter([sql.ref('a.occurred_at'), sql.ref('a.id')], [v, Number(after.id)], desc);
}

/**
 * `agent` (one occurrence, OR of its values): the accounts of the Practitioners or Patients named — the
 * events they did. Accounts are identity's: found through identity.api.
 */
async function agentAccounts(env: FhirEnv, raw: string): Promise<string[]> {
  const [practitioners] = referenceLists([raw], 'Practitioner');
  const [patients] = referenceLists([raw], 'Patient');
  const accounts: string[] = [];
  for (const id of (practitioners ?? []).filter(isUuid)) {
    const account = await accountOfPractitioner(env.db, id);
    if (account) accounts.push(account);
  }
  for (const id of (patients ?? []).filter(isUuid)) {
    const card = await patientCard(env.db, { patientId: id });
    if (card?.accountId) accounts.push(card.accountId);
  }
  return accounts;
}

export const auditEventProvider: FhirProvider = {
  type: 'AuditEvent',
  category: 'basic',
  common: ['patient', 'date'],
  searchParams: [
    { name: 'entity', type: 'reference', documentation: '所涉患者 (Patient/编号)，同 patient' },
    {
      name: 'agent',
      type: 'reference',
      documentation: '操作人：Practitioner/编号 或 Patient/编号（本人操作）',
    },
    {
      name: 'action',
      type: 'token',
      documentation: 'audit-event-action：C 新建，R 查阅，U 更新，D 删除，E 执行',
    },
    { name: 'subtype', type: 'token', documentation: `${AUDIT_ACTION_CS}：本平台的操作名，如 record.read` },
  ],
  sorts: ['-date', '_lastUpdated'],
  includes: [
    {
      param: 'patient',
      target: 'Patient',
      ids: (r) => refIds((r as AuditEvent).entity?.[0]?.what, 'Patient'),
    },
    {
      param: 'entity',
      target: 'Patient',
      ids: (r) => ((r as AuditEvent).entity ?? []).flatMap((e) => refIds(e.what, 'Patient')),
    },
    {
      param: 'agent',
      target: 'Practitioner',
      ids: (r) => ((r as AuditEvent).agent ?? []).flatMap((a) => refIds(a.who, 'Practitioner')),
    },
  ],
  async read(env, id) {
    if (!isEventId(id)) return null;
    const r = await eventRows(env).where('a.id', '=', Number(id)).executeTakeFirst();
    // Only the patient and their proxies (file comment).
    if (!r || !env.ownPatients.has(r.patient_id!)) return null;
    const [resource] = await eventsOf(env, [r]);
    return { resource: resource!, patientId: r.patient_id, sortValue: instantText(r.occurred_at) };
  },
  async search(env, q) {
    const own = [...env.ownPatients];
    const scope = patientScope(
      q.readable === 'any' ? own : q.readable.filter((p) => env.ownPatients.has(p)),
      q.patients,
    );
    if (scope === null || scope === 'any') return [];
    const agents = await Promise.all((q.params.agent ?? []).map((raw) => agentAccounts(env, raw)));
    const conds: RawBuilder<SqlBool>[] = [
      uuidIn(sql.ref('a.patient_id'), scope),
      ...agents.map((accounts) => uuidIn(sql.ref('a.actor_id'), accounts)),
      // Append-only: the last change is when it happened.
      datesSql(q.lastUpdated, sql.ref('a.occurred_at'), undefined, env.now),
      datesSql(q.date, sql.ref('a.occurred_at'), undefined, env.now),
      ...referenceLists(q.params.entity, 'Patient').map((ids) => uuidIn(sql.ref('a.patient_id'), ids)),
      ...tokenLists('action', q.params.action).map((list) =>
        textIn(
          actionSql,
          list.filter((t) => t.system === undefined || t.system === AUDIT_ACTION).map((t) => t.code),
        ),
      ),
      ...tokenLists('subtype', q.params.subtype).map((list) =>
        textIn(
          sql.ref('a.action'),
          list.filter((t) => t.system === undefined || t.system === AUDIT_ACTION_CS).map((t) => t.code),
        ),
      ),
      eventAfter(q.after, q.sort.desc),
    ];
    if (q.ids) {
      const ids = q.ids.filter(isEventId).map(Number);
      conds.push(ids.length > 0 ? sql<SqlBool>`a.id = any(${ids}::bigint[])` : sql<SqlBool>`false`);
    }
    const dir = sql.raw(q.sort.desc ? 'desc' : 'asc');
    const rows = await eventRows(env)
      .where(and(conds))
      .orderBy(sql`a.occurred_at ${dir}`)
      .orderBy(sql`a.id ${dir}`)
      .limit(q.limit)
      .execute();
    const resources = await eventsOf(env, rows);
    return rows.map(
      (r, i): Found => ({
        resource: resources[i]!,
        patientId: r.patient_id,
        sortValue: instantText(r.occurred_at),
      }),
    );
  },
};

export const auditFhirProviders: FhirProvider[] = [auditEventProvider];
