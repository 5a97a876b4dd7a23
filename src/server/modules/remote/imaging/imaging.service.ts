/**
 * Storing DICOM instances for a remote-diagnosis request (REMOTE-5: the community institution takes the
 * images, the imaging centre reads them): the requester's upload (all files or none) and DICOMweb STOW-RS
 * (each instance on its own, linked by its accession number). The Part 10 file is kept unchanged in the
 * BlobStore; study, series and instance rows carry the DICOM JSON metadata; the study's arrival puts the
 * request in the centre's queue (materialArrived) in the same transaction.
 */
import type { ImagingUploaded } from '../../../../shared/remote.js';
import type { Actor } from '../../../platform/audit/audit.js';
import type { AuthContext } from '../../../platform/auth/access.js';
import { type CommandScope, runCommand } from '../../../platform/command.js';
import type { AppContext } from '../../../platform/context.js';
import type { Executor } from '../../../platform/db/database.js';
import { AppError } from '../../../platform/errors.js';
import { newId } from '../../../platform/ids.js';
import { executableKind, scanUpload } from '../../../platform/uploads/scan.js';
import type { BlobStore } from '../../visits/blob-store.js';
import {
  assertAcceptsMaterial,
  assertRequester,
  materialArrived,
  type RemoteStaff,
  type RequestRow,
  remoteStaff,
  requestRow,
} from '../request-access.js';
import {
  DicomRefusal,
  type ParsedDicom,
  parseDicom,
  pick,
  SERIES_TAGS,
  STUDY_TAGS,
  toDicomJson,
} from './dicom.js';
import { imagingErrors } from './imaging.errors.js';

export interface IncomingFile {
  /** The name the client gave (or "文件 n"), only to name it in a refusal. */
  name: string;
  bytes: Buffer;
}

/**
 * Scans and parses one file (DJ-21: scanned before anything of it is kept), or throws 422 DICOM_INVALID
 * naming the file and the reason.
 */
export async function checkDicomFile(
  ctx: AppContext,
  actor: Actor,
  file: IncomingFile,
): Promise<ParsedDicom> {
  const refuse = (why: string, reason: DicomRefusal['reason']) =>
    imagingErrors.dicomInvalid(`文件 “${file.name}”：${why}。整批文件均未保存。`, {
      file: file.name,
      reason,
    });
  if (file.bytes.length === 0) throw refuse('文件为空', 'not_dicom');
  const executable = executableKind(file.bytes);
  if (executable) throw refuse(`内容是可执行程序或脚本（${executable}）`, 'not_dicom');
  await scanUpload(ctx, actor, file.bytes, { path: 'remote/dicom', mime: 'application/dicom' });
  try {
    return parseDicom(file.bytes);
  } catch (err) {
    if (err instanceof DicomRefusal) throw refuse(err.zh, err.reason);
    throw err;
  }
}

export interface StoredInstance {
  studyId: string;
  studyUid: string;
  seriesUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  /** False when the same SOP instance was already stored (idempotent). */
  added: boolean;
}

/**
 * Stores one parsed instance under the request's study (one study per request). The request must be locked
 * by the caller. A study already under another request, or a request whose study is another one, is 409
 * IMAGING_STUDY_MISMATCH; a known series or SOP instance under another study or series is 409
 * DICOM_INSTANCE_CONFLICT; the same SOP instance again changes nothing.
 */
export async function storeInstance(
  cmd: CommandScope,
  store: BlobStore,
  row: RequestRow,
  parsed: ParsedDicom,
  bytes: Buffer,
): Promise<StoredInstance> {
  const { trx, now } = cmd;
  const f = parsed.facts;
  const json = toDicomJson(parsed);
  const ofRequest = await trx
    .selectFrom('imaging_study')
    .select(['id', 'study_uid'])
    .where('request_id', '=', row.id)
    .executeTakeFirst();
  if (ofRequest && ofRequest.study_uid !== f.studyUid)
    throw imagingErrors.studyMismatch(
      `该申请已有检查 ${ofRequest.study_uid}，文件属于另一检查 ${f.studyUid}；一份申请只对应一次检查。`,
    );
  let study = await trx
    .selectFrom('imaging_study')
    .select(['id', 'request_id', 'modalities'])
    .where('study_uid', '=', f.studyUid)
    .executeTakeFirst();
  if (study && study.request_id !== row.id)
    throw imagingErrors.studyMismatch(`检查 ${f.studyUid} 已挂在另一份申请下。`);
  if (!study) {
    study = { id: newId(), request_id: row.id, modalities: [] };
    await trx
      .insertInto('imaging_study')
      .values({
        id: study.id,
        study_uid: f.studyUid,
        patient_id: row.patient_id,
        request_id: row.id,
        institution_id: row.requester_institution_id,
        accession_no: row.accession_no,
        study_date: f.studyDate,
        study_time: f.studyTime,
        description: f.studyDescription,
        modalities: f.modality ? [f.modality] : [],
        metadata: JSON.stringify(pick(json, STUDY_TAGS)),
        created_at: now,
        updated_at: now,
      })
      .execute();
  } else if (f.modality && !study.modalities.includes(f.modality)) {
    await trx
      .updateTable('imaging_study')
      .set({ modalities: [...study.modalities, f.modality].sort(), updated_at: now })
      .where('id', '=', study.id)
      .execute();
  }
  const studyId = study.id;
  let series = await trx
    .selectFrom('imaging_series')
    .select(['id', 'study_id'])
    .where('series_uid', '=', f.seriesUid)
    .executeTakeFirst();
  if (series && series.study_id !== studyId)
    throw imagingErrors.instanceConflict(`序列 ${f.seriesUid} 已属于另一检查。`);
  if (!series) {
    series = { id: newId(), study_id: studyId };
    await trx
      .insertInto('imaging_series')
      .values({
        id: series.id,
        study_id: studyId,
        series_uid: f.seriesUid,
        modality: f.modality,
        series_number: f.seriesNumber,
        description: f.seriesDescription,
        metadata: JSON.stringify(pick(json, SERIES_TAGS)),
        created_at: now,
      })
      .execute();
  }
  const out = {
    studyId,
    studyUid: f.studyUid,
    seriesUid: f.seriesUid,
    sopInstanceUid: f.sopInstanceUid,
    sopClassUid: f.sopClassUid,
  };
  const known = await trx
    .selectFrom('imaging_instance')
    .select(['series_id'])
    .where('sop_instance_uid', '=', f.sopInstanceUid)
    .executeTakeFirst();
  if (known) {
    if (known.series_id !== series.id)
      throw imagingErrors.instanceConflict(`实例 ${f.sopInstanceUid} 已存在于另一序列。`);
    return { ...out, added: false };
  }
  const id = newId();
  const key = `remote/dicom/${id}.dcm`;
  // The Part 10 file exactly as received (the original is what a reader and an audit may ask for).
  await store.put(key, bytes, 'application/dicom');
  await trx
    .insertInto('imaging_instance')
    .values({
      id,
      series_id: series.id,
      sop_instance_uid: f.sopInstanceUid,
      sop_class_uid: f.sopClassUid,
      instance_number: f.instanceNumber,
      transfer_syntax: f.transferSyntax,
      rows: f.rows,
      columns: f.columns,
      frames: f.frames,
      blob_key: key,
      size_bytes: bytes.length,
      metadata: JSON.stringify(json),
      uploaded_by: cmd.actor.accountId,
      created_at: now,
    })
    .execute();
  return { ...out, added: true };
}

/** The study with its series and instance counts. */
export async function studySummary(db: Executor, studyId: string): Promise<Omit<ImagingUploaded, 'added'>> {
  const study = await db
    .selectFrom('imaging_study')
    .select(['id', 'study_uid'])
    .where('id', '=', studyId)
    .executeTakeFirstOrThrow();
  const series = await db
    .selectFrom('imaging_series as s')
    .leftJoin('imaging_instance as i', 'i.series_id', 's.id')
    .select(['s.series_uid', 's.modality', 's.series_number', (eb) => eb.fn.count<string>('i.id').as('n')])
    .where('s.study_id', '=', studyId)
    .groupBy(['s.id', 's.series_uid', 's.modality', 's.series_number'])
    .orderBy('s.series_number')
    .orderBy('s.series_uid')
    .execute();
  const list = series.map((s) => ({ seriesUid: s.series_uid, modality: s.modality, instances: Number(s.n) }));
  return {
    studyUid: study.study_uid,
    studyId: study.id,
    series: list,
    instances: list.reduce((n, s) => n + s.instances, 0),
  };
}

/**
 * POST /diagnostic-requests/{id}/images: the requester's staff upload one or several Part 10 files. Every
 * file is checked first; one refused file stores nothing (422 DICOM_INVALID names it).
 */
export async function uploadImages(
  ctx: AppContext,
  store: BlobStore,
  auth: AuthContext,
  actor: Actor,
  requestId: string,
  files: IncomingFile[],
): Promise<ImagingUploaded> {
  // The access check first (style: a stranger learns nothing from how their files are judged).
  const staff = await remoteStaff(ctx.db, auth);
  const before = await requestRow(ctx.db, requestId);
  assertRequester(staff, before);
  assertAcceptsMaterial(before, 'imaging');
  if (files.length === 0) throw imagingErrors.dicomInvalid('请求中没有文件。');
  const parsed: { file: IncomingFile; dicom: ParsedDicom }[] = [];
  for (const file of files) parsed.push({ file, dicom: await checkDicomFile(ctx, actor, file) });
  return runCommand(ctx, actor, async (cmd) => {
    const row = await requestRow(cmd.trx, requestId, true);
    assertRequester(staff, row);
    assertAcceptsMaterial(row, 'imaging');
    const stored: StoredInstance[] = [];
    for (const p of parsed) stored.push(await storeInstance(cmd, store, row, p.dicom, p.file.bytes));
    await materialArrived(cmd.trx, row, 'imaging', ctx.config.remote, cmd.now);
    const studyId = stored[0]!.studyId;
    const added = stored.filter((s) => s.added).length;
    await cmd.audit({
      action: 'imaging.upload',
      resourceType: 'imaging_study',
      resourceId: studyId,
      patientId: row.patient_id,
      details: { requestId: row.id, files: files.length, added, channel: 'app' },
    });
    return { ...(await studySummary(cmd.trx, studyId)), added };
  });
}

/** A STOW-RS instance's outcome (PS3.18 10.5.3): stored, or refused with a PS3.4 failure reason. */
export type StowOutcome =
  | { ok: true; stored: StoredInstance }
  | { ok: false; sopClassUid: string | null; sopInstanceUid: string | null; reason: number };

/** PS3.4 Annex GG / PS3.18 Table 10.5.3-1 failure reasons. */
export const FAILURE = {
  processing: 0x0110,
  sopClassNotSupported: 0x0122,
  notAuthorized: 0x0124,
  transferSyntaxNotSupported: 0xc122,
  cannotUnderstand: 0xc000,
} as const;

const REFUSAL_FAILURE: Record<DicomRefusal['reason'], number> = {
  not_dicom: FAILURE.cannotUnderstand,
  truncated: FAILURE.cannotUnderstand,
  missing_uid: FAILURE.cannotUnderstand,
  no_pixels: FAILURE.sopClassNotSupported,
  ecg: FAILURE.sopClassNotSupported,
  transfer_syntax: FAILURE.transferSyntaxNotSupported,
};

/**
 * STOW-RS: each instance finds its request by AccessionNumber (0008,0050) — a request of one of the caller's
 * institutions, of kind imaging, still accepting material — and is stored in its own transaction, so one
 * refused instance does not undo the others.
 */
export async function stowInstance(
  ctx: AppContext,
  store: BlobStore,
  staff: RemoteStaff,
  actor: Actor,
  bytes: Buffer,
  expectStudyUid: string | null,
): Promise<StowOutcome> {
  let dicom: ParsedDicom;
  try {
    dicom = await checkDicomFile(ctx, actor, { name: 'STOW', bytes });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const why = err.extra?.reason as DicomRefusal['reason'] | undefined;
    // An infected or unscannable file (UPLOAD_*) is a processing failure; nothing of it was kept.
    const reason = why ? REFUSAL_FAILURE[why] : FAILURE.processing;
    return { ok: false, sopClassUid: null, sopInstanceUid: null, reason };
  }
  const f = dicom.facts;
  const fail = (reason: number): StowOutcome => ({
    ok: false,
    sopClassUid: f.sopClassUid,
    sopInstanceUid: f.sopInstanceUid,
    reason,
  });
  if (expectStudyUid && expectStudyUid !== f.studyUid) return fail(FAILURE.processing);
  if (!f.accessionNo) return fail(FAILURE.notAuthorized);
  const target = await ctx.db
    .selectFrom('diagnostic_request')
    .select('id')
    .where('accession_no', '=', f.accessionNo)
    .where('kind', '=', 'imaging')
    .where('requester_institution_id', 'in', staff.institutionIds)
    .executeTakeFirst();
  if (!target) return fail(FAILURE.notAuthorized);
  try {
    const stored = await runCommand(ctx, actor, async (cmd) => {
      const row = await requestRow(cmd.trx, target.id, true);
      assertRequester(staff, row);
      assertAcceptsMaterial(row, 'imaging');
      const s = await storeInstance(cmd, store, row, dicom, bytes);
      await materialArrived(cmd.trx, row, 'imaging', ctx.config.remote, cmd.now);
      await cmd.audit({
        action: 'imaging.upload',
        resourceType: 'imaging_study',
        resourceId: s.studyId,
        patientId: row.patient_id,
        details: { requestId: row.id, files: 1, added: s.added ? 1 : 0, channel: 'dicomweb' },
      });
      return s;
    });
    return { ok: true, stored };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'NOT_REQUEST_PARTY') return fail(FAILURE.notAuthorized);
    if (['IMAGING_STUDY_MISMATCH', 'MATERIAL_NOT_ACCEPTED', 'DICOM_INSTANCE_CONFLICT'].includes(code ?? ''))
      return fail(FAILURE.processing);
    throw err;
  }
}
