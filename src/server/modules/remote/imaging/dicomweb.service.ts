/**
 * The DICOMweb reads (PS3.18 QIDO-RS and WADO-RS, a subset): who may see a study — doctors and nurses of
 * the linked request's requesting institution or diagnostic centre (REMOTE-5), everyone else 404 — and what
 * they get. Every read of a patient's images is audited as a read of the archive's `exams` (DJ-12).
 */
import type { Actor } from '../../../platform/audit/audit.js';
import type { AppContext } from '../../../platform/context.js';
import type { Executor } from '../../../platform/db/database.js';
import { recordRead } from '../../records/records.api.js';
import type { BlobStore } from '../../visits/blob-store.js';
import type { RemoteStaff } from '../request-access.js';
import { type DicomElement, INSTANCE_TAGS, type ParsedDicom, parseDicom, pick } from './dicom.js';
import { imagingErrors } from './imaging.errors.js';

type Json = Record<string, DicomElement>;

const el = (vr: string, ...values: unknown[]): DicomElement =>
  values.length ? { vr, Value: values } : { vr };

/** The studies the staff may see: linked to a request of one of their institutions (either side). */
function visibleStudies(db: Executor, staff: RemoteStaff) {
  return db
    .selectFrom('imaging_study as st')
    .innerJoin('diagnostic_request as r', 'r.id', 'st.request_id')
    .where((eb) =>
      eb.or([
        eb('r.requester_institution_id', 'in', staff.institutionIds),
        eb('r.centre_institution_id', 'in', staff.institutionIds),
      ]),
    );
}

async function audit(
  ctx: AppContext,
  actor: Actor,
  patientId: string,
  what: string,
  resourceId: string,
): Promise<void> {
  await recordRead(
    ctx.db,
    actor,
    { patientId, category: 'exams', what, relationship: 'remote_consultation', channel: 'app', resourceId },
    ctx.clock.now(),
  );
}

export interface StudyQuery {
  StudyInstanceUID?: string;
  AccessionNumber?: string;
  ModalitiesInStudy?: string;
  StudyDate?: string;
  limit?: number;
  offset?: number;
}

/** QIDO-RS /studies: the visible studies matching the keys, newest first, with their counts. */
export async function searchStudies(
  ctx: AppContext,
  staff: RemoteStaff,
  actor: Actor,
  q: StudyQuery,
): Promise<Json[]> {
  let query = visibleStudies(ctx.db, staff).select([
    'st.id',
    'st.study_uid',
    'st.patient_id',
    'st.modalities',
    'st.metadata',
    'st.study_date',
  ]);
  if (q.StudyInstanceUID) query = query.where('st.study_uid', 'in', q.StudyInstanceUID.split(/[,\\]/));
  if (q.AccessionNumber) query = query.where('st.accession_no', '=', q.AccessionNumber);
  if (q.ModalitiesInStudy)
    query = query.where((eb) =>
      eb.or(q.ModalitiesInStudy!.split(/[,\\]/).map((m) => eb(eb.val(m), '=', eb.fn.any('st.modalities')))),
    );
  if (q.StudyDate) {
    // DICOM date range matching: YYYYMMDD, YYYYMMDD-, -YYYYMMDD or YYYYMMDD-YYYYMMDD.
    const [from, to] = q.StudyDate.includes('-') ? q.StudyDate.split('-') : [q.StudyDate, q.StudyDate];
    if (from) query = query.where('st.study_date', '>=', from);
    if (to) query = query.where('st.study_date', '<=', to);
  }
  const rows = await query
    .orderBy('st.created_at', 'desc')
    .orderBy('st.id')
    .limit(q.limit ?? 50)
    .offset(q.offset ?? 0)
    .execute();
  const counts = await countsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  const out: Json[] = [];
  for (const r of rows) {
    const c = counts.get(r.id) ?? { series: 0, instances: 0 };
    out.push({
      ...r.metadata,
      '00080056': el('CS', 'ONLINE'),
      '00080061': el('CS', ...r.modalities),
      '00081190': el('UR', `/dicomweb/studies/${r.study_uid}`),
      '00201206': el('IS', c.series),
      '00201208': el('IS', c.instances),
    } as Json);
    await audit(ctx, actor, r.patient_id, 'dicomweb:studies', r.id);
  }
  return out;
}

async function countsOf(db: Executor, studyIds: string[]) {
  const map = new Map<string, { series: number; instances: number }>();
  if (studyIds.length === 0) return map;
  const rows = await db
    .selectFrom('imaging_series as s')
    .leftJoin('imaging_instance as i', 'i.series_id', 's.id')
    .select([
      's.study_id',
      (eb) => eb.fn.count<string>('s.id').distinct().as('series'),
      (eb) => eb.fn.count<string>('i.id').as('instances'),
    ])
    .where('s.study_id', 'in', studyIds)
    .groupBy('s.study_id')
    .execute();
  for (const r of rows) map.set(r.study_id, { series: Number(r.series), instances: Number(r.instances) });
  return map;
}

/** The visible study, or 404 IMAGING_STUDY_NOT_FOUND (a stranger cannot tell it exists). */
export async function visibleStudy(db: Executor, staff: RemoteStaff, studyUid: string) {
  const study = await visibleStudies(db, staff)
    .select(['st.id', 'st.study_uid', 'st.patient_id', 'st.metadata', 'st.modalities'])
    .where('st.study_uid', '=', studyUid)
    .executeTakeFirst();
  if (!study) throw imagingErrors.studyNotFound();
  return study;
}

/** QIDO-RS /studies/{study}/series. */
export async function searchSeries(
  ctx: AppContext,
  staff: RemoteStaff,
  actor: Actor,
  studyUid: string,
): Promise<Json[]> {
  const study = await visibleStudy(ctx.db, staff, studyUid);
  const rows = await ctx.db
    .selectFrom('imaging_series as s')
    .leftJoin('imaging_instance as i', 'i.series_id', 's.id')
    .select(['s.series_uid', 's.metadata', 's.series_number', (eb) => eb.fn.count<string>('i.id').as('n')])
    .where('s.study_id', '=', study.id)
    .groupBy(['s.id', 's.series_uid', 's.metadata', 's.series_number'])
    .orderBy('s.series_number')
    .orderBy('s.series_uid')
    .execute();
  await audit(ctx, actor, study.patient_id, 'dicomweb:series', study.id);
  return rows.map(
    (r) =>
      ({
        ...r.metadata,
        '00081190': el('UR', `/dicomweb/studies/${studyUid}/series/${r.series_uid}`),
        '00201209': el('IS', Number(r.n)),
      }) as Json,
  );
}

/** The visible instances of a study (optionally one series, one instance), in order. */
async function instancesOf(
  db: Executor,
  staff: RemoteStaff,
  studyUid: string,
  seriesUid?: string,
  sopUid?: string,
) {
  const study = await visibleStudy(db, staff, studyUid);
  let q = db
    .selectFrom('imaging_instance as i')
    .innerJoin('imaging_series as s', 's.id', 'i.series_id')
    .select([
      'i.id',
      'i.sop_instance_uid',
      'i.metadata',
      'i.blob_key',
      'i.frames',
      'i.transfer_syntax',
      's.series_uid',
    ])
    .where('s.study_id', '=', study.id);
  if (seriesUid) q = q.where('s.series_uid', '=', seriesUid);
  if (sopUid) q = q.where('i.sop_instance_uid', '=', sopUid);
  const rows = await q
    .orderBy('s.series_number')
    .orderBy('s.series_uid')
    .orderBy('i.instance_number')
    .orderBy('i.sop_instance_uid')
    .execute();
  if ((seriesUid || sopUid) && rows.length === 0) throw imagingErrors.studyNotFound();
  return { study, rows };
}

/** QIDO-RS /studies/{study}/series/{series}/instances. */
export async function searchInstances(
  ctx: AppContext,
  staff: RemoteStaff,
  actor: Actor,
  studyUid: string,
  seriesUid: string,
): Promise<Json[]> {
  const { study, rows } = await instancesOf(ctx.db, staff, studyUid, seriesUid);
  await audit(ctx, actor, study.patient_id, 'dicomweb:instances', study.id);
  return rows.map(
    (r) =>
      ({
        ...pick(r.metadata as Json, INSTANCE_TAGS),
        '00081190': el(
          'UR',
          `/dicomweb/studies/${studyUid}/series/${r.series_uid}/instances/${r.sop_instance_uid}`,
        ),
      }) as Json,
  );
}

/** WADO-RS …/metadata: the full DICOM JSON of each instance in scope (no bulk data). */
export async function retrieveMetadata(
  ctx: AppContext,
  staff: RemoteStaff,
  actor: Actor,
  studyUid: string,
  seriesUid?: string,
  sopUid?: string,
): Promise<Json[]> {
  const { study, rows } = await instancesOf(ctx.db, staff, studyUid, seriesUid, sopUid);
  await audit(ctx, actor, study.patient_id, 'dicomweb:metadata', study.id);
  return rows.map((r) => r.metadata as Json);
}

/** WADO-RS instance: the stored Part 10 file(s) as received, with their transfer syntax. */
export async function retrieveFiles(
  ctx: AppContext,
  store: BlobStore,
  staff: RemoteStaff,
  actor: Actor,
  studyUid: string,
  seriesUid?: string,
  sopUid?: string,
): Promise<{ bytes: Buffer; transferSyntax: string; location: string }[]> {
  const { study, rows } = await instancesOf(ctx.db, staff, studyUid, seriesUid, sopUid);
  const out = [];
  for (const r of rows) {
    const bytes = await store.get(r.blob_key);
    if (!bytes) throw new Error(`blob ${r.blob_key} of instance ${r.sop_instance_uid} is missing`);
    out.push({
      bytes,
      transferSyntax: r.transfer_syntax,
      location: `/dicomweb/studies/${studyUid}/series/${r.series_uid}/instances/${r.sop_instance_uid}`,
    });
  }
  await audit(ctx, actor, study.patient_id, 'dicomweb:instances:retrieve', study.id);
  return out;
}

/** One stored instance, parsed again from its file (frames and rendered images). */
export async function loadInstance(
  ctx: AppContext,
  store: BlobStore,
  staff: RemoteStaff,
  actor: Actor,
  uids: { study: string; series: string; instance: string },
  what: string,
): Promise<ParsedDicom> {
  const { study, rows } = await instancesOf(ctx.db, staff, uids.study, uids.series, uids.instance);
  const r = rows[0]!;
  const bytes = await store.get(r.blob_key);
  if (!bytes) throw new Error(`blob ${r.blob_key} of instance ${r.sop_instance_uid} is missing`);
  await audit(ctx, actor, study.patient_id, what, study.id);
  return parseDicom(bytes);
}
