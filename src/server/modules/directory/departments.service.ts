import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { cutPage, DEFAULT_LIMIT, decodeCursor, type Page } from '../../platform/paging.js';
import { directoryErrors } from './directory.errors.js';
import { type DepartmentView, departmentQuery, departmentView } from './directory.store.js';
import { requireOwnInstitution } from './org-access.js';
import { pinyinKeys } from './search.keys.js';

/** The public list of departments, by institution then code: the unique (institution_id, code) index. */
export async function listDepartments(
  ctx: AppContext,
  f: { institutionId?: string; cursor?: string; limit?: number },
): Promise<Page<DepartmentView>> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const after = decodeCursor(f.cursor, ['uuid', 'string']);
  let q = departmentQuery(ctx.db);
  if (f.institutionId) q = q.where('institution_id', '=', f.institutionId);
  if (after)
    q = q.where((eb) => eb(eb.refTuple('institution_id', 'code'), '>', eb.tuple(after[0], after[1])));
  const rows = await q
    .orderBy('institution_id')
    .orderBy('code')
    .limit(limit + 1)
    .execute();
  const page = cutPage(rows, limit, (r) => [r.institution_id, r.code]);
  return { items: page.rows.map(departmentView), nextCursor: page.nextCursor };
}

const codeTaken = (code: string) =>
  directoryErrors.departmentCodeTaken(`本机构已有代码为“${code}”的科室，请换一个代码。`);

async function ensureCodeFree(db: Executor, institutionId: string, code: string, exceptId?: string) {
  let q = db
    .selectFrom('department')
    .select('id')
    .where('institution_id', '=', institutionId)
    .where('code', '=', code);
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw codeTaken(code);
}

export interface DepartmentInput {
  institutionId?: string;
  code: string;
  name: string;
  nameEn?: string;
  specialty: string;
}

/** An org_admin adds a department to its own institution. */
export async function createDepartment(
  ctx: AppContext,
  auth: AuthContext,
  input: DepartmentInput,
  actor: Actor,
): Promise<DepartmentView> {
  const institutionId = requireOwnInstitution(auth, input.institutionId);
  const id = newId();
  await runCommand(ctx, actor, async ({ trx, audit }) => {
    await ensureCodeFree(trx, institutionId, input.code);
    // The unique (institution_id, code) index refuses what a concurrent request slipped past the check.
    await mapUniqueViolation(
      trx
        .insertInto('department')
        .values({
          id,
          institution_id: institutionId,
          code: input.code,
          name: input.name,
          ...pinyinKeys(input.name, 'place'),
          name_en: input.nameEn ?? null,
          specialty: input.specialty,
        })
        .execute(),
      () => codeTaken(input.code),
    );
    await audit({
      action: 'department.create',
      resourceType: 'department',
      resourceId: id,
      details: { institutionId, code: input.code, name: input.name },
    });
  });
  return departmentView(await departmentQuery(ctx.db).where('id', '=', id).executeTakeFirstOrThrow());
}

export interface DepartmentPatch {
  code?: string;
  name?: string;
  nameEn?: string | null;
  specialty?: string;
}

/** An org_admin changes a department of its own institution. */
export async function updateDepartment(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  patch: DepartmentPatch,
  actor: Actor,
): Promise<DepartmentView> {
  await runCommand(ctx, actor, async ({ trx, audit }) => {
    const row = await trx
      .selectFrom('department')
      .select(['id', 'institution_id'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw errors.notFound('科室');
    requireOwnInstitution(auth, row.institution_id);
    if (patch.code !== undefined) await ensureCodeFree(trx, row.institution_id, patch.code, id);
    const set = {
      ...(patch.code !== undefined ? { code: patch.code } : {}),
      ...(patch.name !== undefined ? { name: patch.name, ...pinyinKeys(patch.name, 'place') } : {}),
      ...(patch.nameEn !== undefined ? { name_en: patch.nameEn } : {}),
      ...(patch.specialty !== undefined ? { specialty: patch.specialty } : {}),
    };
    if (Object.keys(set).length > 0) {
      await mapUniqueViolation(trx.updateTable('department').set(set).where('id', '=', id).execute(), () =>
        codeTaken(patch.code ?? ''),
      );
    }
    await audit({
      action: 'department.update',
      resourceType: 'department',
      resourceId: id,
      details: { institutionId: row.institution_id, changed: Object.keys(patch) },
    });
  });
  return departmentView(await departmentQuery(ctx.db).where('id', '=', id).executeTakeFirstOrThrow());
}
