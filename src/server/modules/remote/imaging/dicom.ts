/**
 * Reading a DICOM Part 10 file (dcmjs) into what the store keeps: the facts the tables index (UIDs,
 * modality, size, transfer syntax) and the DICOM JSON model of PS3.18 F.2 without bulk data. Pure: no
 * database, no HTTP. A file is refused here, with a reason a person can act on, when it is not DICOM, is cut
 * short, carries no image (an ECG waveform, an RT plan, a report) or is encoded in a transfer syntax the
 * platform cannot decode for the viewer.
 */
import { createRequire } from 'node:module';

/** The part of dcmjs this module uses (the package ships no types). */
export interface DicomElement {
  vr: string;
  Value?: unknown[];
  InlineBinary?: string;
  BulkDataURI?: string;
}
export type DicomDict = Record<string, DicomElement>;
interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer, options?: object): { dict: DicomDict; meta: DicomDict } };
}
interface Dcmjs {
  data: DcmjsData;
  log: { setLevel(level: string): void; getLogger(name: string): { setLevel(level: string): void } };
}

const require = createRequire(import.meta.url);
const dcmjs = require('dcmjs') as Dcmjs;
// dcmjs logs every ambiguous VR of an implicit-VR file (US or SS, "xs") as an error on the console; it
// resolves them itself, and the pixels are read by PixelRepresentation here, so these lines are noise.
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  j2kLossless: '1.2.840.10008.1.2.4.90',
  j2k: '1.2.840.10008.1.2.4.91',
} as const;

/** Transfer syntaxes whose pixels the platform decodes (frames, rendered images). */
export const SUPPORTED_TRANSFER_SYNTAXES: readonly string[] = Object.values(TS);
export const isJ2k = (ts: string) => ts === TS.j2k || ts === TS.j2kLossless;

const PIXEL_DATA = '7FE00010';
const BINARY_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'UN']);
/** Binary elements up to this size are written inline (base64); larger ones are bulk data. */
const INLINE_LIMIT = 4096;

/** Why a file cannot be taken: a stable key and the zh-CN / en-US reason. */
export class DicomRefusal extends Error {
  constructor(
    readonly reason: 'not_dicom' | 'truncated' | 'no_pixels' | 'ecg' | 'transfer_syntax' | 'missing_uid',
    readonly zh: string,
  ) {
    super(reason);
  }
}

/** The facts of one instance the tables and the viewer need. */
export interface DicomFacts {
  studyUid: string;
  seriesUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntax: string;
  modality: string | null;
  accessionNo: string | null;
  studyDate: string | null;
  studyTime: string | null;
  studyDescription: string | null;
  seriesNumber: number | null;
  seriesDescription: string | null;
  instanceNumber: number | null;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  photometric: string;
  planarConfiguration: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter: number | null;
  windowWidth: number | null;
}

export interface ParsedDicom {
  dict: DicomDict;
  facts: DicomFacts;
  /** Pixel data: one buffer (native) or the encapsulated fragments (JPEG 2000). */
  pixelData: ArrayBuffer[];
}

const first = (dict: DicomDict, tag: string): unknown => dict[tag]?.Value?.[0];
function str(dict: DicomDict, tag: string): string | null {
  const v = first(dict, tag);
  if (v === undefined || v === null) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}
function num(dict: DicomDict, tag: string): number | null {
  const v = first(dict, tag);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/** True when the bytes look like a Part 10 file: 128-byte preamble then "DICM". */
export const hasPart10Magic = (bytes: Buffer) =>
  bytes.length >= 132 && bytes.subarray(128, 132).toString('latin1') === 'DICM';

/** Parses a Part 10 file or throws a DicomRefusal naming why it cannot be kept. */
export function parseDicom(bytes: Buffer): ParsedDicom {
  if (!hasPart10Magic(bytes))
    throw new DicomRefusal('not_dicom', '不是 DICOM 文件（缺少 128 字节前导和 “DICM” 标识）');
  let message: { dict: DicomDict; meta: DicomDict };
  try {
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    message = dcmjs.data.DicomMessage.readFile(copy);
  } catch {
    // The parser's own (English, internal) message means nothing to the person uploading: not shown.
    throw new DicomRefusal('truncated', '文件不完整或已损坏，无法解析');
  }
  const { dict, meta } = message;
  const transferSyntax = str(meta, '00020010') ?? TS.implicitLE;
  const modality = str(dict, '00080060');
  const sopClassUid = str(dict, '00080016') ?? str(meta, '00020002');
  const pixel = dict[PIXEL_DATA];
  if (!pixel?.Value || pixel.Value.length === 0) {
    if (modality === 'ECG' || dict['54000100'])
      throw new DicomRefusal('ecg', '这是心电图波形（ECG），不是影像，请在心电图上传处提交');
    throw new DicomRefusal(
      'no_pixels',
      `文件没有像素数据（SOP 类 ${sopClassUid ?? '未知'}），不是可阅读的影像`,
    );
  }
  if (!SUPPORTED_TRANSFER_SYNTAXES.includes(transferSyntax))
    throw new DicomRefusal(
      'transfer_syntax',
      `传输语法 ${transferSyntax} 暂不支持（支持隐式/显式 VR 小端未压缩和 JPEG 2000）`,
    );
  const studyUid = str(dict, '0020000D');
  const seriesUid = str(dict, '0020000E');
  const sopInstanceUid = str(dict, '00080018') ?? str(meta, '00020003');
  if (!studyUid || !seriesUid || !sopInstanceUid || !sopClassUid)
    throw new DicomRefusal('missing_uid', '缺少检查、序列或实例 UID');
  const rows = num(dict, '00280010');
  const columns = num(dict, '00280011');
  if (!rows || !columns) throw new DicomRefusal('no_pixels', '缺少图像行数或列数（Rows/Columns）');
  const facts: DicomFacts = {
    studyUid,
    seriesUid,
    sopInstanceUid,
    sopClassUid,
    transferSyntax,
    modality,
    accessionNo: str(dict, '00080050'),
    studyDate: str(dict, '00080020'),
    studyTime: str(dict, '00080030'),
    studyDescription: str(dict, '00081030'),
    seriesNumber: num(dict, '00200011'),
    seriesDescription: str(dict, '0008103E'),
    instanceNumber: num(dict, '00200013'),
    rows,
    columns,
    frames: Math.max(1, num(dict, '00280008') ?? 1),
    samplesPerPixel: num(dict, '00280002') ?? 1,
    bitsAllocated: num(dict, '00280100') ?? 16,
    bitsStored: num(dict, '00280101') ?? num(dict, '00280100') ?? 16,
    pixelRepresentation: num(dict, '00280103') ?? 0,
    photometric: str(dict, '00280004') ?? 'MONOCHROME2',
    planarConfiguration: num(dict, '00280006') ?? 0,
    rescaleSlope: num(dict, '00281053') ?? 1,
    rescaleIntercept: num(dict, '00281052') ?? 0,
    windowCenter: num(dict, '00281050'),
    windowWidth: num(dict, '00281051'),
  };
  // Header values size every later read (frame lists, decoding): bounded, and matched by the pixel data.
  if (rows > 16384 || columns > 16384 || facts.frames > 5000 || ![1, 3].includes(facts.samplesPerPixel))
    throw new DicomRefusal('no_pixels', `图像尺寸或帧数不合理（${rows}×${columns}，${facts.frames} 帧）`);
  const fragments = pixel.Value as ArrayBuffer[];
  if (isJ2k(transferSyntax)) {
    if (fragments.length < facts.frames)
      throw new DicomRefusal(
        'truncated',
        `像素数据只有 ${fragments.length} 帧，少于声明的 ${facts.frames} 帧`,
      );
  } else {
    const have = fragments.reduce((n, b) => n + b.byteLength, 0);
    const need = rows * columns * facts.samplesPerPixel * Math.ceil(facts.bitsAllocated / 8) * facts.frames;
    if (have < need)
      throw new DicomRefusal('truncated', `像素数据长度 ${have} 字节，少于图像尺寸所需的 ${need} 字节`);
  }
  const grey = facts.samplesPerPixel === 1 && [8, 16].includes(facts.bitsAllocated);
  const colour = facts.samplesPerPixel === 3 && facts.bitsAllocated === 8;
  const photometricOk =
    /^MONOCHROME[12]$/.test(facts.photometric) || isJ2k(transferSyntax) || facts.photometric === 'RGB';
  if (!(grey || colour) || !photometricOk)
    throw new DicomRefusal(
      'transfer_syntax',
      `像素格式暂不支持（${facts.photometric}，每样本 ${facts.bitsAllocated} 位，${facts.samplesPerPixel} 个分量）`,
    );
  return { dict, facts, pixelData: pixel.Value as ArrayBuffer[] };
}

/** Where a stored instance's pixel data is fetched (the uncompressed frames, PS3.18 WADO-RS). */
export const framesUri = (f: Pick<DicomFacts, 'studyUid' | 'seriesUid' | 'sopInstanceUid' | 'frames'>) =>
  `/dicomweb/studies/${f.studyUid}/series/${f.seriesUid}/instances/${f.sopInstanceUid}/frames/${Array.from(
    { length: f.frames },
    (_, i) => i + 1,
  ).join(',')}`;

const instanceUri = (f: Pick<DicomFacts, 'studyUid' | 'seriesUid' | 'sopInstanceUid'>) =>
  `/dicomweb/studies/${f.studyUid}/series/${f.seriesUid}/instances/${f.sopInstanceUid}`;

function jsonValue(vr: string, values: unknown[], uris: { bulk: string }): DicomElement {
  if (vr === 'SQ')
    return {
      vr,
      Value: values.map((item) => toDicomJsonDict(item as DicomDict, uris)),
    };
  if (vr === 'PN') {
    const names = values.filter((v) => v && typeof v === 'object' && Object.keys(v).length > 0);
    return names.length ? { vr, Value: names } : { vr };
  }
  const cleaned = values.map((v) => (v === '' || v === undefined ? null : v));
  return cleaned.some((v) => v !== null) ? { vr, Value: cleaned } : { vr };
}

function binary(vr: string, values: unknown[], uri: string): DicomElement {
  const buffers = values.filter((v): v is ArrayBuffer => v instanceof ArrayBuffer);
  const size = buffers.reduce((n, b) => n + b.byteLength, 0);
  if (size === 0) return { vr };
  if (size > INLINE_LIMIT || buffers.length > 1) return { vr, BulkDataURI: uri };
  return { vr, InlineBinary: Buffer.from(buffers[0]!).toString('base64') };
}

function toDicomJsonDict(dict: DicomDict, uris: { bulk: string }): Record<string, DicomElement> {
  const out: Record<string, DicomElement> = {};
  for (const tag of Object.keys(dict).sort()) {
    const el = dict[tag]!;
    const vr = el.vr;
    if (BINARY_VRS.has(vr)) out[tag] = binary(vr, el.Value ?? [], uris.bulk);
    else out[tag] = jsonValue(vr, el.Value ?? [], uris);
  }
  return out;
}

/**
 * DJ-10: what identifies the patient in the file (the modality's PatientID is often the resident ID number)
 * is not served by QIDO/WADO metadata: the name is masked to its first character, the identifiers, the
 * birth date, the address and the phone are left out. The platform knows the patient from the request; the
 * stored Part 10 file keeps the original (WADO-RS instance retrieval, for the parties only).
 */
const PATIENT_NAME = '00100010';
const PATIENT_IDENTIFYING = [
  '00100020',
  '00100030',
  '00101000',
  '00101001',
  '00101040',
  '00102154',
  '00100021',
];
function maskPatient(json: Record<string, DicomElement>): void {
  for (const tag of PATIENT_IDENTIFYING) delete json[tag];
  const name = json[PATIENT_NAME] as { Value?: { Alphabetic?: string }[] } | undefined;
  const first = name?.Value?.[0]?.Alphabetic;
  if (name && first) name.Value = [{ Alphabetic: `${[...first][0] ?? ''}*` }];
}

/**
 * The DICOM JSON model (PS3.18 F.2) of a data set without bulk data: the pixel data as a BulkDataURI to its
 * decoded frames, other large binary elements as a BulkDataURI to the instance, small ones inline.
 */
export function toDicomJson(parsed: Pick<ParsedDicom, 'dict' | 'facts'>): Record<string, DicomElement> {
  const { [PIXEL_DATA]: pixel, ...rest } = parsed.dict;
  const out = toDicomJsonDict(rest, { bulk: instanceUri(parsed.facts) });
  maskPatient(out);
  if (pixel) out[PIXEL_DATA] = { vr: pixel.vr, BulkDataURI: framesUri(parsed.facts) };
  return out;
}

/** Study-level attributes (PS3.18 QIDO-RS study match keys and the patient module) of a DICOM JSON data set. */
export const STUDY_TAGS = [
  '00080005',
  '00080020',
  '00080030',
  '00080050',
  '00080090',
  '00081030',
  '00100010',
  '00100020',
  '00100030',
  '00100040',
  '0020000D',
  '00200010',
];
export const SERIES_TAGS = ['00080005', '00080060', '0008103E', '0020000D', '0020000E', '00200011'];
export const INSTANCE_TAGS = [
  '00080005',
  '00080016',
  '00080018',
  '0020000D',
  '0020000E',
  '00200013',
  '00280008',
  '00280010',
  '00280011',
];

export const pick = (json: Record<string, DicomElement>, tags: readonly string[]) =>
  Object.fromEntries(tags.filter((t) => json[t]).map((t) => [t, json[t]!])) as Record<string, DicomElement>;
