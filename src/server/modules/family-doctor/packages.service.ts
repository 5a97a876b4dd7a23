/**
 * Service packages ([12/12], FD-2, FD-3): the district's standard menu (institution_id null) every centre
 * offers and an institution's own, priced per person-year and split between the insurance fund, the
 * public-health fund and the resident; who may have them (age on the day, sex, diagnosed conditions —
 * ICD-10 prefixes matched against the person's offline and archive diagnoses); and the institution
 * administrator's own packages (create, change, retire). A signed contract keeps the prices it was signed at.
 */
import type { Selectable } from 'kysely';
import type { PackageBody, PackageView, PackageWithEligibility } from '../../../shared/family-doctor.js';
import { shanghaiDate } from '../../../shared/identity.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/database.js';
import type { ServicePackageTable } from '../../platform/db/schema.js';
import { mapUniqueViolation } from '../../platform/db/unique.js';
import { newId } from '../../platform/ids.js';
import { requireOwnInstitution } from '../directory/directory.api.js';
import { patientProfiles, requirePatientAccess } from '../identity/identity.api.js';
import { chronicConditionRows } from '../records/records.api.js';
import { offlineDiagnosisCodes } from '../visits/visits.api.js';
import {
  type Ineligibility,
  ineligibility,
  ineligibleText,
  type PackageFacts,
  type PersonFacts,
  packagePriceProblem,
} from './contract.rules.js';
import { familyDoctorErrors } from './family-doctor.errors.js';

type PackageRow = Selectable<ServicePackageTable>;

export const packageFacts = (r: PackageRow): PackageFacts => ({
  id: r.id,
  institutionId: r.institution_id,
  code: r.code,
  name: r.name,
  group: r.group_code,
  status: r.status,
  feeFen: r.fee_fen,
  insuranceFen: r.insurance_fen,
  publicHealthFen: r.public_health_fen,
  residentFen: r.resident_fen,
  minAge: r.min_age,
  maxAge: r.max_age,
  sex: r.sex,
  conditions: r.conditions,
});

export const packageView = (r: PackageRow): PackageView => ({
  id: r.id,
  institutionId: r.institution_id,
  code: r.code,
  name: r.name,
  group: r.group_code,
  description: r.description,
  services: r.services,
  feeFen: r.fee_fen,
  insuranceFen: r.insurance_fen,
  publicHealthFen: r.public_health_fen,
  residentFen: r.resident_fen,
  minAge: r.min_age,
  maxAge: r.max_age,
  sex: r.sex,
  conditions: r.conditions,
  status: r.status,
});

export async function packageRows(db: Executor, ids: readonly string[]): Promise<PackageRow[]> {
  if (ids.length === 0) return [];
  return await db
    .selectFrom('service_package')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute();
}

/** A person as eligibility sees them: birth date and sex (real-name record), diagnosed ICD-10 codes. */
export async function personFacts(
  db: Executor,
  patientIds: readonly string[],
): Promise<Map<string, PersonFacts>> {
  const profiles = await patientProfiles(db, patientIds);
  const out = new Map<string, PersonFacts>();
  for (const id of new Set(patientIds)) {
    const p = profiles.get(id);
    const [offline, archive] = await Promise.all([
      offlineDiagnosisCodes(db, id),
      chronicConditionRows(db, id),
    ]);
    out.set(id, {
      birthDate: p?.birthDate ?? null,
      sex: p?.sex ?? null,
      diagnoses: [...new Set([...offline, ...archive.map((d) => d.icd10)])],
    });
  }
  return out;
}

/** FD-2 for one person and package on `today`: null when eligible, else the reason. */
export function eligibilityOf(
  pkg: PackageFacts,
  person: PersonFacts,
  today: string,
): { why: Ineligibility; text: string } | null {
  const why = ineligibility(pkg, person, today);
  return why ? { why, text: ineligibleText(why, pkg) } : null;
}

/**
 * GET /family-doctor/packages: the district's packages and the institution's own, on sale (the
 * institution's administrator also sees its retired ones); with `patientId` (a resident for themself or a
 * family member they act for, ID-6), each marked eligible or not on today's date (FD-2).
 */
export async function listPackages(
  ctx: AppContext,
  auth: AuthContext,
  query: { institutionId?: string; patientId?: string },
): Promise<{ items: PackageWithEligibility[] }> {
  if (query.patientId) await requirePatientAccess(ctx.db, auth, query.patientId);
  const person = query.patientId
    ? (await personFacts(ctx.db, [query.patientId])).get(query.patientId)!
    : null;
  const admin =
    auth.roles.includes('org_admin') && !!query.institutionId && auth.institutionId === query.institutionId;
  let q = ctx.db.selectFrom('service_package').selectAll();
  q = query.institutionId
    ? q.where((eb) =>
        eb.or([eb('institution_id', 'is', null), eb('institution_id', '=', query.institutionId!)]),
      )
    : q.where('institution_id', 'is', null);
  if (!admin) q = q.where('status', '=', 'active');
  const rows = await q.orderBy('institution_id', 'desc').orderBy('code').execute();
  const today = shanghaiDate(ctx.clock.now());
  // The district's menu first (basic first), then the institution's own.
  const groupOrder = ['basic', 'elderly', 'children', 'pregnancy', 'disability', 'hypertension', 'diabetes'];
  const rank = (r: PackageRow) =>
    (r.institution_id === null ? 0 : 100) + (groupOrder.indexOf(r.group_code) + 1 || 50);
  rows.sort((a, b) => rank(a) - rank(b) || a.code.localeCompare(b.code));
  return {
    items: rows.map((r) => {
      const verdict = person ? eligibilityOf(packageFacts(r), person, today) : undefined;
      return {
        ...packageView(r),
        eligible: person ? verdict === null : null,
        ineligibleReason: verdict ? verdict.text : null,
      };
    }),
  };
}

/** FD-2, FD-3: a package's own checks (ages in order, conditions ICD-10 prefixes, the price split). */
function checkBody(ctx: AppContext, body: PackageBody): void {
  if (body.minAge != null && body.maxAge != null && body.minAge > body.maxAge)
    throw familyDoctorErrors.packageInvalid('最低年龄不能大于最高年龄。');
  const bad = (body.conditions ?? []).find((c) => !/^[A-Z]\d{2}(\.\d{1,2})?$/i.test(c.trim()));
  if (bad) throw familyDoctorErrors.packageInvalid(`“${bad}”不是 ICD-10 编码前缀（如 I10、E11）。`);
  const feeFen = body.insuranceFen + body.publicHealthFen + body.residentFen;
  const problem = packagePriceProblem(
    {
      feeFen,
      insuranceFen: body.insuranceFen,
      publicHealthFen: body.publicHealthFen,
      residentFen: body.residentFen,
      group: body.group,
    },
    ctx.config.familyDoctor.minFeePerYearFen,
  );
  if (problem)
    throw body.group === 'basic'
      ? familyDoctorErrors.feeBelowMinimum(problem)
      : familyDoctorErrors.packageInvalid(problem);
}

const valuesOf = (body: PackageBody) => ({
  code: body.code,
  name: body.name.trim(),
  group_code: body.group,
  description: body.description.trim(),
  services: body.services.map((s) => s.trim()),
  fee_fen: body.insuranceFen + body.publicHealthFen + body.residentFen,
  insurance_fen: body.insuranceFen,
  public_health_fen: body.publicHealthFen,
  resident_fen: body.residentFen,
  min_age: body.minAge ?? null,
  max_age: body.maxAge ?? null,
  sex: body.sex ?? null,
  conditions: (body.conditions ?? []).map((c) => c.trim().toUpperCase()),
});

const codeTaken = (c: string | undefined) =>
  c === 'service_package_code' || c === undefined ? familyDoctorErrors.packageCodeTaken() : undefined;

/** The institution's own package, locked for a change; 404 PACKAGE_NOT_FOUND for the district's and others'. */
async function ownPackage(trx: Executor, id: string, institutionId: string): Promise<PackageRow> {
  const row = await trx
    .selectFrom('service_package')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.institution_id !== institutionId) throw familyDoctorErrors.packageNotFound();
  return row;
}

/** POST /family-doctor/packages (org_admin): a package of the caller's institution, fee = the sum of its parts. */
export async function createPackage(
  ctx: AppContext,
  auth: AuthContext,
  body: PackageBody,
  actor: Actor,
): Promise<PackageView> {
  const institutionId = requireOwnInstitution(auth);
  checkBody(ctx, body);
  return runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const id = newId();
    const row = await mapUniqueViolation(
      trx
        .insertInto('service_package')
        .values({ id, institution_id: institutionId, ...valuesOf(body), created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow(),
      codeTaken,
    );
    await audit({
      action: 'family_doctor.package_create',
      resourceType: 'service_package',
      resourceId: id,
      details: { institutionId, code: body.code, group: body.group, feeFen: row.fee_fen },
    });
    return packageView(row);
  });
}

/** PUT /family-doctor/packages/{id} (org_admin): the institution's own package; signed contracts keep their prices. */
export async function updatePackage(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  body: PackageBody,
  actor: Actor,
): Promise<PackageView> {
  const institutionId = requireOwnInstitution(auth);
  checkBody(ctx, body);
  return runCommand(ctx, actor, async ({ trx, audit }) => {
    await ownPackage(trx, id, institutionId);
    const row = await mapUniqueViolation(
      trx
        .updateTable('service_package')
        .set(valuesOf(body))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),
      codeTaken,
    );
    await audit({
      action: 'family_doctor.package_update',
      resourceType: 'service_package',
      resourceId: id,
      details: { institutionId, code: body.code, group: body.group, feeFen: row.fee_fen },
    });
    return packageView(row);
  });
}

/** POST /family-doctor/packages/{id}/retire (org_admin): no longer offered; contracts holding it run on. */
export async function retirePackage(
  ctx: AppContext,
  auth: AuthContext,
  id: string,
  actor: Actor,
): Promise<PackageView> {
  const institutionId = requireOwnInstitution(auth);
  return runCommand(ctx, actor, async ({ trx, audit }) => {
    const before = await ownPackage(trx, id, institutionId);
    const row = await trx
      .updateTable('service_package')
      .set({ status: 'retired' })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (before.status !== 'retired')
      await audit({
        action: 'family_doctor.package_retire',
        resourceType: 'service_package',
        resourceId: id,
        details: { institutionId, code: row.code },
      });
    return packageView(row);
  });
}
