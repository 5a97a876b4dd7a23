import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { directoryErrors } from './directory.errors.js';
import {
  EARLIEST_PRACTICE_YEAR,
  MIN_YEARS_BEFORE_ONLINE,
  type PractitionerFacts,
  type PractitionerKind,
  type PractitionerProblem,
  practitionerProblem,
  type Title,
} from './directory.rules.js';
import type { PractitionerView } from './directory.store.js';
import { getPractitioner } from './doctors.service.js';
import { requireOwnInstitution } from './org-access.js';
import { pinyinKeys } from './search.keys.js';

const shapeText: Record<string, string> = {
  TITLE_REQUIRED: '医师须填写职称（title）',
  TITLE_NOT_FOR_KIND: '职称（title）仅适用于医师，护士、药师的职称请填写在 professionalTitle',
  PRACTICE_YEAR_INVALID: `执业起始年份应在 ${EARLIEST_PRACTICE_YEAR} 年至今年之间`,
  ONLINE_YEAR_INVALID: '互联网复诊起始年份不能早于执业起始年份，也不能晚于今年',
  FIRST_VISIT_NOT_FOR_KIND: '仅医师可参加互联网首诊试点',
};

/** Shape problems are bad input (400); a breach of ORG-1 or PILOT-2 is a refusal by rule (422). */
function refuse(p: PractitionerProblem): never {
  if (p.code === 'ONLINE_PRACTICE_TOO_SHORT') {
    throw directoryErrors.onlinePracticeTooShort(
      `医师须独立临床执业满 ${MIN_YEARS_BEFORE_ONLINE} 年方可开展互联网诊疗（目前 ${p.years} 年）。`,
      { field: `body.${p.field}` },
    );
  }
  if (p.code === 'FIRST_VISIT_BAR_NOT_MET') {
    throw directoryErrors.firstVisitBarNotMet(
      '参加互联网首诊试点的医师须独立执业满 3 年、具有主治医师及以上职称，并开展互联网复诊满 1 年。',
      { field: `body.${p.field}` },
    );
  }
  const message = shapeText[p.code] ?? '取值无效';
  throw errors.validationFailed(`body.${p.field}：${message}`, {
    fields: [{ field: `body.${p.field}`, message, keyword: p.code }],
  });
}

const licenceTaken = (licenceNo: string) =>
  directoryErrors.licenceNoTaken(`执业证书编码“${licenceNo}”已登记在平台的其他人员名下，请核对。`);
const codeTaken = (code: string) =>
  directoryErrors.practitionerCodeTaken(`人员编码“${code}”已被使用，请换一个编码。`);

async function ensureUnique(
  db: Executor,
  licenceNo: string | undefined,
  code: string | undefined,
  exceptId?: string,
) {
  if (licenceNo !== undefined) {
    let q = db.selectFrom('practitioner').select('id').where('licence_no', '=', licenceNo);
    if (exceptId) q = q.where('id', '<>', exceptId);
    if (await q.executeTakeFirst()) throw licenceTaken(licenceNo);
  }
  if (code !== undefined) {
    let q = db.selectFrom('practitioner').select('id').where('code', '=', code);
    if (exceptId) q = q.where('id', '<>', exceptId);
    if (await q.executeTakeFirst()) throw codeTaken(code);
  }
}

/**
 * The unique indexes refuse what a concurrent request slipped past ensureUnique. A code derived from
 * the licence number clashes only because the licence number does, so that is what the answer says.
 */
function conflictOf(licenceNo: string, code: string, codeGiven: boolean) {
  return (constraint: string | undefined) =>
    codeGiven && (constraint ?? '').includes('code') ? codeTaken(code) : licenceTaken(licenceNo);
}

async function departmentOf(db: Executor, departmentId: string) {
  const dept = await db
    .selectFrom('department as d')
    .innerJoin('institution as i', 'i.id', 'd.institution_id')
    .select(['d.id', 'd.institution_id', 'i.code as institution_code'])
    .where('d.id', '=', departmentId)
    .executeTakeFirst();
  if (!dept) throw errors.notFound('科室');
  return dept;
}

const currentYear = (ctx: AppContext) => Number(shanghaiDate(ctx.clock.now()).slice(0, 4));

export interface PractitionerInput {
  code?: string;
  name: string;
  sex: 'male' | 'female';
  kind: PractitionerKind;
  title?: Title;
  professionalTitle: string;
  departmentId: string;
  specialty: string;
  bio?: string;
  licenceNo: string;
  practiceSince: number;
  onlineFollowUpSince?: number;
  offersOnline?: boolean;
  firstVisitTrained?: boolean;
}

/**
 * An org_admin registers a practitioner in a department of its own institution. Registering them is
 * the institution's consent to their online practice (ORG-1), which needs 3 years of practice.
 */
export async function createPractitioner(
  ctx: AppContext,
  auth: AuthContext,
  input: PractitionerInput,
  actor: Actor,
): Promise<PractitionerView> {
  const dept = await departmentOf(ctx.db, input.departmentId);
  requireOwnInstitution(auth, dept.institution_id);
  const facts: PractitionerFacts = {
    kind: input.kind,
    title: input.title ?? null,
    practiceSince: input.practiceSince,
    onlineFollowUpSince: input.onlineFollowUpSince ?? null,
    offersOnline: input.offersOnline ?? false,
    firstVisitTrained: input.firstVisitTrained ?? false,
  };
  const problem = practitionerProblem(facts, currentYear(ctx));
  if (problem) refuse(problem);
  // A practitioner code is the institution's staff number when given; else unique by the licence.
  const code = input.code ?? `${dept.institution_code}-${input.licenceNo}`;
  const id = newId();
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    // A code derived from the licence number clashes only when the licence number does (a racing
    // registration may commit between the two checks): only a given code is checked on its own.
    await ensureUnique(trx, input.licenceNo, input.code);
    const insert = trx
      .insertInto('practitioner')
      .values({
        id,
        code,
        name: input.name,
        ...pinyinKeys(input.name, 'person'),
        sex: input.sex,
        kind: input.kind,
        title: facts.title,
        professional_title: input.professionalTitle,
        institution_id: dept.institution_id,
        department_id: dept.id,
        specialty: input.specialty,
        bio: input.bio ?? '',
        licence_no: input.licenceNo,
        practice_since: facts.practiceSince,
        online_follow_up_since: facts.onlineFollowUpSince,
        offers_online: facts.offersOnline,
        first_visit_trained: facts.firstVisitTrained,
        created_at: now,
      })
      .execute();
    await mapUniqueViolation(insert, conflictOf(input.licenceNo, code, input.code !== undefined));
    await audit({
      action: 'practitioner.create',
      resourceType: 'practitioner',
      resourceId: id,
      details: { institutionId: dept.institution_id, departmentId: dept.id, kind: input.kind, code },
    });
  });
  return getPractitioner(ctx, id);
}

export type PractitionerPatch = Partial<Omit<PractitionerInput, 'kind' | 'title' | 'onlineFollowUpSince'>> & {
  title?: Title | null;
  onlineFollowUpSince?: number | null;
};

/** An org_admin changes a practitioner registered at its own institution (not their kind or status). */
export async function updatePractitioner(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  patch: PractitionerPatch,
  actor: Actor,
): Promise<PractitionerView> {
  await runCommand(ctx, actor, async ({ trx, audit }) => {
    const row = await trx
      .selectFrom('practitioner')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw errors.notFound('医务人员');
    requireOwnInstitution(auth, row.institution_id);
    // A practitioner moves between departments of their institution; moving institution is a new
    // registration at the other one.
    if (patch.departmentId !== undefined) {
      requireOwnInstitution(auth, (await departmentOf(trx, patch.departmentId)).institution_id);
    }
    const facts: PractitionerFacts = {
      kind: row.kind as PractitionerKind,
      title: (patch.title !== undefined ? patch.title : row.title) as Title | null,
      practiceSince: patch.practiceSince ?? row.practice_since,
      onlineFollowUpSince:
        patch.onlineFollowUpSince !== undefined ? patch.onlineFollowUpSince : row.online_follow_up_since,
      offersOnline: patch.offersOnline ?? row.offers_online,
      firstVisitTrained: patch.firstVisitTrained ?? row.first_visit_trained,
    };
    const problem = practitionerProblem(facts, currentYear(ctx));
    if (problem) refuse(problem);
    await ensureUnique(trx, patch.licenceNo, patch.code, id);
    const update = trx
      .updateTable('practitioner')
      .set({
        ...(patch.code !== undefined ? { code: patch.code } : {}),
        ...(patch.name !== undefined ? { name: patch.name, ...pinyinKeys(patch.name, 'person') } : {}),
        ...(patch.sex !== undefined ? { sex: patch.sex } : {}),
        ...(patch.professionalTitle !== undefined ? { professional_title: patch.professionalTitle } : {}),
        ...(patch.departmentId !== undefined ? { department_id: patch.departmentId } : {}),
        ...(patch.specialty !== undefined ? { specialty: patch.specialty } : {}),
        ...(patch.bio !== undefined ? { bio: patch.bio } : {}),
        ...(patch.licenceNo !== undefined ? { licence_no: patch.licenceNo } : {}),
        title: facts.title,
        practice_since: facts.practiceSince,
        online_follow_up_since: facts.onlineFollowUpSince,
        offers_online: facts.offersOnline,
        first_visit_trained: facts.firstVisitTrained,
      })
      .where('id', '=', id)
      .execute();
    await mapUniqueViolation(
      update,
      conflictOf(patch.licenceNo ?? row.licence_no, patch.code ?? row.code, patch.code !== undefined),
    );
    if (patch.licenceNo !== undefined && patch.licenceNo !== row.licence_no) {
      // Keep the practitioner's e-licence record (ID-5) on the same number.
      await trx
        .updateTable('licence')
        .set({ number: patch.licenceNo })
        .where('practitioner_id', '=', id)
        .where('kind', '=', 'practitioner')
        .where('number', '=', row.licence_no)
        .execute();
    }
    await audit({
      action: 'practitioner.update',
      resourceType: 'practitioner',
      resourceId: id,
      details: { institutionId: row.institution_id, changed: Object.keys(patch) },
    });
  });
  return getPractitioner(ctx, id);
}

/**
 * ORG-5: the regulator suspends a practitioner, who can then be neither booked (the scheduling module
 * checks practitioner.status) nor start visits; reinstating lifts it. Both are audited with the reason.
 */
export async function setPractitionerStatus(
  ctx: AppContext,
  id: string,
  change: { suspend: true; reason: string } | { suspend: false },
  actor: Actor,
): Promise<PractitionerView> {
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const row = await trx
      .selectFrom('practitioner')
      .select(['id', 'status', 'institution_id'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw errors.notFound('医务人员');
    if (change.suspend && row.status === 'suspended') {
      throw directoryErrors.alreadySuspended('该医务人员已处于暂停执业状态。');
    }
    if (!change.suspend && row.status !== 'suspended') {
      throw directoryErrors.notSuspended('该医务人员未被暂停执业，无需恢复。');
    }
    await trx
      .updateTable('practitioner')
      .set(
        change.suspend
          ? { status: 'suspended', suspended_at: now, suspension_reason: change.reason }
          : { status: 'active', suspended_at: null, suspension_reason: null },
      )
      .where('id', '=', id)
      .execute();
    await audit({
      action: change.suspend ? 'practitioner.suspend' : 'practitioner.reinstate',
      resourceType: 'practitioner',
      resourceId: id,
      details: { institutionId: row.institution_id, ...(change.suspend ? { reason: change.reason } : {}) },
    });
  });
  return getPractitioner(ctx, id);
}
