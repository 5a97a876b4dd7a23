/**
 * ECGs of remote diagnosis (基层检查、上级诊断, REMOTE-5): the community uploads the recording (WFDB or a
 * DICOM waveform), the centre's reading doctor reads it in the viewer. The upload is parsed and checked
 * before anything is kept; the originals and the decoded signal go to the blob store, the automatic
 * measurements are computed once on the whole record — suggestions for the reading doctor (AI 辅助,
 * seed 002/004), confirmed or corrected in the report, never signed on their own — and the request enters
 * the centre's queue in the same command. Every read of the signal is a clinical read, audited.
 */
import type { EcgLeads, EcgMeasurements, EcgUploaded } from '../../../../shared/remote.js';
import type { Actor } from '../../../platform/audit/audit.js';
import type { AuthContext } from '../../../platform/auth/access.js';
import { runCommand } from '../../../platform/command.js';
import type { AppContext } from '../../../platform/context.js';
import { newId } from '../../../platform/ids.js';
import { executableKind, scanUpload } from '../../../platform/uploads/scan.js';
import { recordRead } from '../../records/care-access.js';
import type { BlobStore } from '../../visits/blob-store.js';
import {
  assertAcceptsMaterial,
  assertRequester,
  isCentre,
  isRequester,
  materialArrived,
  remoteStaff,
  requestRow,
} from '../request-access.js';
import { DETECTOR_VERSION, detectBeats, summarise } from './detect.js';
import { decodeDicomWaveform, isDicom } from './dicom-waveform.js';
import { ecgErrors } from './ecg.errors.js';
import { durationMs, type EcgSignal, encodeSignal, leadSlice, toMillivolts } from './signal.js';
import { decodeWfdb, parseWfdbHeader } from './wfdb.js';

export interface UploadedFile {
  /** The file's name as the client sent it (WFDB headers name their signal files). */
  name: string;
  bytes: Buffer;
}

/** At most this much signal per leads call (the viewer pages through longer records). */
export const MAX_WINDOW_MS = 60_000;
const DEFAULT_WINDOW_MS = 10_000;

const baseName = (name: string) => name.split(/[\\/]/).pop() ?? name;
const extOf = (name: string) => /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';

/**
 * The recording in the uploaded files: one WFDB header (`.hea`) with exactly the signal files it names, or
 * one DICOM waveform file. Anything else is ECG_FILES_MISSING or ECG_FILE_INVALID, naming the file.
 */
export function parseEcgFiles(files: readonly UploadedFile[]): EcgSignal {
  if (files.length === 0) throw ecgErrors.filesMissing();
  for (const f of files) {
    if (f.bytes.length === 0) throw ecgErrors.fileInvalid(`文件 ${f.name} 是空的。`);
    // DJ-21: executable content is refused by what it is, whatever it is called.
    const exe = executableKind(f.bytes);
    if (exe) throw ecgErrors.fileInvalid(`文件 ${f.name} 的内容是可执行程序或脚本（${exe}），不予接收。`);
  }
  const headers = files.filter((f) => extOf(f.name) === 'hea');
  if (headers.length > 1)
    throw ecgErrors.fileInvalid('一次只能上传一个 WFDB 记录（只能有一个 .hea 头文件）。');
  const header = headers[0];
  if (header) {
    if (header.bytes.includes(0)) throw ecgErrors.fileInvalid(`${header.name} 不是文本格式的 WFDB 头文件。`);
    const parsed = parseWfdbHeader(header.bytes.toString('latin1'));
    const named = new Set(parsed.signals.map((s) => s.file));
    const byName = new Map<string, Buffer>();
    for (const f of files) {
      if (f === header) continue;
      const name = baseName(f.name);
      if (!named.has(name))
        throw ecgErrors.fileInvalid(
          `文件 ${name} 不是头文件 ${parsed.recordName}.hea 列出的信号文件（${[...named].join('、')}）。`,
        );
      byName.set(name, f.bytes);
    }
    return decodeWfdb(parsed, byName);
  }
  const dicom = files.filter((f) => isDicom(f.bytes) || extOf(f.name) === 'dcm');
  if (dicom.length === 0) {
    const dat = files.find((f) => ['dat', 'xyz'].includes(extOf(f.name)));
    throw dat
      ? ecgErrors.filesMissing(`缺少与 ${dat.name} 配套的 WFDB 头文件（.hea）。`)
      : ecgErrors.fileInvalid(
          `${files.map((f) => f.name).join('、')} 既不是 WFDB 记录（.hea + .dat），也不是 DICOM 心电波形。`,
        );
  }
  if (files.length > 1) throw ecgErrors.fileInvalid('DICOM 心电波形一次只能上传一个文件。');
  const file = files[0]!;
  if (!isDicom(file.bytes)) throw ecgErrors.fileInvalid(`${file.name} 不是 DICOM 文件（缺少 DICM 标记）。`);
  return decodeDicomWaveform(file.bytes, baseName(file.name));
}

/** The lead the measurements use: II (or the MIT-BIH's modified lead II), else the first. */
export function measurementLead(signal: Pick<EcgSignal, 'leads'>): number {
  for (const want of ['II', 'MLII']) {
    const i = signal.leads.findIndex((l) => l.name === want);
    if (i >= 0) return i;
  }
  return 0;
}

/** What is stored in ecg_record.measurements: the suggestions on the whole record. */
interface StoredMeasurements {
  heartRate: number | null;
  beats: number[];
  rrMs: number[];
  rhythmHint: string;
  rhythmHintEn: string;
  leadUsed: string;
  version: string;
}

export function measure(signal: EcgSignal): StoredMeasurements {
  const lead = measurementLead(signal);
  const beats = detectBeats(signal.data[lead]!, signal.sampleRate, { unitsPerMv: signal.leads[lead]!.gain });
  return {
    ...summarise(beats, signal.sampleRate),
    beats,
    leadUsed: signal.leads[lead]!.name,
    version: DETECTOR_VERSION,
  };
}

/**
 * The requesting institution's doctor or nurse, on an ECG request still open for material (REMOTE-5):
 * checked before the upload is read, and again under the request's lock when it is stored.
 */
export async function assertMayUpload(ctx: AppContext, auth: AuthContext, requestId: string): Promise<void> {
  const staff = await remoteStaff(ctx.db, auth);
  const row = await requestRow(ctx.db, requestId);
  assertRequester(staff, row);
  assertAcceptsMaterial(row, 'ecg');
}

export async function uploadEcg(
  ctx: AppContext,
  store: BlobStore,
  auth: AuthContext,
  actor: Actor,
  requestId: string,
  files: readonly UploadedFile[],
): Promise<EcgUploaded> {
  await assertMayUpload(ctx, auth, requestId);
  const signal = parseEcgFiles(files);
  assertPlausible(signal);
  // DJ-21: every file scanned before any of it is kept.
  for (const f of files)
    await scanUpload(ctx, actor, f.bytes, { path: 'remote/ecg', mime: 'application/octet-stream' });
  const measurements = measure(signal);

  const id = newId();
  const blobKeys: string[] = [];
  for (const [i, f] of files.entries()) {
    const ext = extOf(f.name).replace(/[^a-z0-9]/g, '') || 'bin';
    const key = `remote/ecg/${id}-${i + 1}.${ext}`;
    await store.put(key, f.bytes, 'application/octet-stream');
    blobKeys.push(key);
  }
  const signalKey = `remote/ecg/${id}.sig`;
  await store.put(signalKey, encodeSignal(signal.data), 'application/octet-stream');

  const duration = durationMs(signal.samples, signal.sampleRate);
  await runCommand(ctx, actor, async ({ trx, now, audit }) => {
    const row = await requestRow(trx, requestId, true);
    assertAcceptsMaterial(row, 'ecg');
    await materialArrived(trx, row, 'ecg', ctx.config.remote, now);
    await trx
      .insertInto('ecg_record')
      .values({
        id,
        request_id: requestId,
        patient_id: row.patient_id,
        source_format: signal.sourceFormat,
        record_name: signal.recordName,
        leads: JSON.stringify(signal.leads),
        sample_rate: signal.sampleRate,
        samples: signal.samples,
        duration_ms: duration,
        blob_keys: blobKeys,
        signal_key: signalKey,
        measurements: JSON.stringify(measurements),
        uploaded_by: auth.accountId,
        created_at: now,
      })
      .execute();
    await audit({
      action: 'remote.ecg.upload',
      resourceType: 'ecg_record',
      resourceId: id,
      patientId: row.patient_id,
      details: {
        requestId,
        format: signal.sourceFormat,
        leads: signal.leads.length,
        samples: signal.samples,
        files: files.length,
      },
    });
  });
  return { id, leads: signal.leads.map((l) => l.name), sampleRate: signal.sampleRate, durationMs: duration };
}

/** The recording for a reader on the requesting institution's or the centre's staff; anyone else: 404. */
async function readableRecord(ctx: AppContext, auth: AuthContext, id: string) {
  const staff = await remoteStaff(ctx.db, auth);
  const rec = await ctx.db.selectFrom('ecg_record').selectAll().where('id', '=', id).executeTakeFirst();
  if (!rec) throw ecgErrors.recordNotFound();
  const request = await requestRow(ctx.db, rec.request_id);
  if (!isRequester(staff, request) && !isCentre(staff, request)) throw ecgErrors.recordNotFound();
  return rec;
}

/** A read of the signal or its measurements is a clinical read (remote_consultation, exams; DJ-12, SEC-1). */
const auditRead = (ctx: AppContext, actor: Actor, rec: { id: string; patient_id: string }, what: string) =>
  recordRead(
    ctx.db,
    actor,
    {
      patientId: rec.patient_id,
      category: 'exams',
      what,
      relationship: 'remote_consultation',
      channel: 'app',
      resourceId: rec.id,
    },
    ctx.clock.now(),
  );

/** ECG sample rates a recorder uses (Holter 125 Hz … research 10 kHz), with room on both sides. */
const MIN_FS = 50;
const MAX_FS = 20_000;
/** The longest record: 48 hours (a two-day Holter). */
const MAX_DURATION_MS = 48 * 3600_000;

/**
 * Header values a hostile or broken file could set are bounded before anything is stored (they size
 * arrays, the duration column and every later read): 422 ECG_FILE_INVALID otherwise.
 */
function assertPlausible(signal: EcgSignal): void {
  const fs = signal.sampleRate;
  if (!Number.isFinite(fs) || fs < MIN_FS || fs > MAX_FS)
    throw ecgErrors.fileInvalid(`采样频率 ${fs} Hz 不在心电图的合理范围（${MIN_FS}–${MAX_FS} Hz）内。`);
  if (durationMs(signal.samples, fs) > MAX_DURATION_MS)
    throw ecgErrors.fileInvalid('记录时长超过 48 小时，无法接收。');
  for (const lead of signal.leads)
    if (!Number.isFinite(lead.gain) || lead.gain <= 0)
      throw ecgErrors.fileInvalid(`导联 ${lead.name} 的增益 ${lead.gain} 无效（须为正数）。`);
}

export async function ecgLeads(
  ctx: AppContext,
  store: BlobStore,
  auth: AuthContext,
  actor: Actor,
  id: string,
  range: { from?: number; to?: number },
): Promise<EcgLeads> {
  const from = range.from ?? 0;
  const to = range.to ?? from + DEFAULT_WINDOW_MS;
  if (to <= from || to - from > MAX_WINDOW_MS)
    throw ecgErrors.rangeInvalid(`请求的时间范围 ${from}–${to} ms 无效：结束须晚于起始，且一次最多 60 秒。`);
  const rec = await readableRecord(ctx, auth, id);
  if (from >= rec.duration_ms)
    throw ecgErrors.rangeInvalid(`起始时间 ${from} ms 超出记录时长 ${rec.duration_ms} ms。`);
  await auditRead(ctx, actor, rec, 'ecg:leads');
  const stored = await store.get(rec.signal_key);
  if (!stored) throw new Error(`ecg signal ${rec.signal_key} missing from the blob store`);
  const fs = rec.sample_rate;
  const first = Math.floor((from * fs) / 1000);
  const last = Math.min(rec.samples, Math.ceil((to * fs) / 1000));
  return {
    id,
    sampleRate: fs,
    fromMs: Math.round((first * 1000) / fs),
    toMs: Math.round((last * 1000) / fs),
    durationMs: rec.duration_ms,
    leads: rec.leads.map((lead, i) => ({
      name: lead.name,
      mv: toMillivolts(leadSlice(stored, rec.samples, i, first, last), lead),
    })),
  };
}

export async function ecgMeasurements(
  ctx: AppContext,
  auth: AuthContext,
  actor: Actor,
  id: string,
): Promise<EcgMeasurements> {
  const rec = await readableRecord(ctx, auth, id);
  await auditRead(ctx, actor, rec, 'ecg:measurements');
  const m = rec.measurements as unknown as StoredMeasurements;
  return {
    heartRate: m.heartRate,
    beats: m.beats.map((sample) => ({ sample, timeMs: Math.round((sample * 1e4) / rec.sample_rate) / 10 })),
    rrMs: m.rrMs,
    rhythmHint: m.rhythmHint,
    rhythmHintEn: m.rhythmHintEn,
    leadUsed: m.leadUsed,
  };
}
