/**
 * WFDB records (PhysioNet's format: a text header `.hea` and binary signal files) read by hand — no
 * maintained npm library reads them. Follows the header spec (https://physionet.org/physiotools/wag/header-5.htm)
 * and the signal-file spec (signal-5): the record line, one line per signal with format, gain(baseline)/units,
 * ADC resolution, ADC zero, initial value, checksum, block size and description; `#` lines are comments and
 * blank lines are skipped wherever they are. Formats 16 (little-endian int16) and 212 (two 12-bit samples in
 * 3 bytes) — what ECG devices and the PhysioNet ECG databases use. The header's initial value and checksum
 * of every signal are checked against the samples: a mismatch means a corrupt file or a `.dat` of another
 * record, and is refused rather than shown to a reading doctor (REMOTE-5).
 */
import { ecgErrors } from './ecg.errors.js';
import { type EcgSignal, leadName } from './signal.js';

export interface WfdbSignalSpec {
  file: string;
  format: 16 | 212;
  byteOffset: number;
  /** ADC units per mV (the header's gain converted from its units). */
  gain: number;
  baseline: number;
  units: string;
  adcResolution: number;
  adcZero: number;
  initialValue: number | null;
  checksum: number | null;
  description: string;
}

export interface WfdbHeader {
  recordName: string;
  sampleRate: number;
  /** Samples per signal; null when the header leaves it to the signal files' length. */
  samples: number | null;
  signals: WfdbSignalSpec[];
  comments: string[];
}

const DEFAULT_FS = 250;
const DEFAULT_GAIN = 200;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
/** Units a header may state a voltage in, as the factor to mV. */
const VOLTS: Record<string, number> = { mv: 1, uv: 1e-3, μv: 1e-3, µv: 1e-3, v: 1e3, nv: 1e-6 };

const invalid = (detail: string) => ecgErrors.fileInvalid(detail);

function int(token: string | undefined, what: string, line: number): number | null {
  if (token === undefined) return null;
  if (!INTEGER.test(token)) throw invalid(`头文件第 ${line} 行的${what}“${token}”不是整数。`);
  return Number(token);
}

/** The header's text: record line, signal lines, comments; anything malformed is a 422 naming the line. */
export function parseWfdbHeader(text: string): WfdbHeader {
  const comments: string[] = [];
  const lines: { no: number; tokens: string[] }[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const c = line.replace(/^#+\s?/, '').trim();
      if (c !== '') comments.push(c);
      return;
    }
    lines.push({ no: i + 1, tokens: line.split(/\s+/) });
  });
  const recordLine = lines.shift();
  if (!recordLine) throw invalid('头文件（.hea）中没有记录行。');
  const [nameTok, nsigTok, fsTok, nsampTok] = recordLine.tokens;
  const recordName = nameTok!;
  if (recordName.includes('/'))
    throw invalid(`记录 ${recordName} 是多段记录（multi-segment），暂不支持；请导出为单段记录。`);
  const nsig = int(nsigTok, '信号数', recordLine.no);
  if (nsig === null || nsig < 1) throw invalid(`头文件第 ${recordLine.no} 行没有给出信号数，或信号数为 0。`);
  let sampleRate = DEFAULT_FS;
  if (fsTok !== undefined) {
    const f = fsTok.split('/')[0]!;
    if (!NUMBER.test(f) || Number(f) <= 0)
      throw invalid(`头文件第 ${recordLine.no} 行的采样频率“${fsTok}”无效。`);
    sampleRate = Number(f);
  }
  const nsamp = int(nsampTok, '采样点数', recordLine.no);
  if (nsamp !== null && nsamp < 0) throw invalid(`头文件第 ${recordLine.no} 行的采样点数为负数。`);
  if (lines.length < nsig) throw invalid(`头文件声明 ${nsig} 个信号，但只有 ${lines.length} 行信号说明。`);
  if (lines.length > nsig)
    throw invalid(`头文件声明 ${nsig} 个信号，但有 ${lines.length} 行信号说明（多余的行无法解释）。`);
  const signals = lines.map(({ no, tokens }) => parseSignalLine(no, tokens));
  return { recordName, sampleRate, samples: nsamp === null || nsamp === 0 ? null : nsamp, signals, comments };
}

function parseSignalLine(no: number, tokens: string[]): WfdbSignalSpec {
  const [file, fmtTok, gainTok, resTok, zeroTok, initTok, sumTok, _block, ...desc] = tokens;
  if (!fmtTok) throw invalid(`头文件第 ${no} 行缺少信号格式。`);
  if (file === '-' || file === '~') throw invalid(`头文件第 ${no} 行的信号不在文件中（${file}），无法读取。`);
  const fm = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(fmtTok);
  if (!fm) throw invalid(`头文件第 ${no} 行的信号格式“${fmtTok}”无效。`);
  const format = Number(fm[1]);
  if (format !== 16 && format !== 212)
    throw invalid(`信号格式 ${format} 暂不支持；只支持 WFDB 格式 16 和 212。`);
  if (fm[2] !== undefined && Number(fm[2]) > 1)
    throw invalid(`头文件第 ${no} 行每帧多个采样（${fmtTok}），暂不支持。`);
  if (fm[3] !== undefined && Number(fm[3]) !== 0)
    throw invalid(`头文件第 ${no} 行有信号偏斜（skew ${fm[3]}），暂不支持。`);
  const byteOffset = fm[4] === undefined ? 0 : Number(fm[4]);
  const adcResolution = int(resTok, 'ADC 分辨率', no) ?? (format === 212 ? 12 : 16);
  const adcZero = int(zeroTok, 'ADC 零点', no) ?? 0;
  const initialValue = int(initTok, '初始值', no);
  const checksum = int(sumTok, '校验和', no);
  let gain = DEFAULT_GAIN;
  let baseline = adcZero;
  let units = 'mV';
  if (gainTok !== undefined) {
    const gm = /^([^(/]+)(?:\(([^)]*)\))?(?:\/(.+))?$/.exec(gainTok);
    if (!gm || !NUMBER.test(gm[1]!)) throw invalid(`头文件第 ${no} 行的增益“${gainTok}”无效。`);
    const g = Number(gm[1]);
    if (g < 0) throw invalid(`头文件第 ${no} 行的增益为负数。`);
    if (g > 0) gain = g;
    if (gm[2] !== undefined) {
      if (!INTEGER.test(gm[2])) throw invalid(`头文件第 ${no} 行的基线“${gm[2]}”不是整数。`);
      baseline = Number(gm[2]);
    }
    if (gm[3] !== undefined) units = gm[3];
  }
  const factor = VOLTS[units.toLowerCase()];
  if (factor === undefined)
    throw invalid(`信号 ${desc.join(' ') || file} 的单位是“${units}”，不是电压，不是心电信号。`);
  return {
    file: file!,
    format,
    byteOffset,
    // ADC units per mV: a gain per µV is 1000 times as many per mV.
    gain: gain / factor,
    baseline,
    units,
    adcResolution,
    adcZero,
    initialValue,
    checksum,
    description: desc.join(' ') || `signal ${no}`,
  };
}

/** The WFDB 16-bit checksum of a signal: the sum of its samples modulo 65536, as a signed value. */
export function wfdbChecksum(samples: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum = (sum + samples[i]!) & 0xffff;
  return sum >= 0x8000 ? sum - 0x10000 : sum;
}

/** Bytes that `count` samples take in a format. */
const bytesFor = (format: 16 | 212, count: number) =>
  format === 16 ? count * 2 : Math.floor(count / 2) * 3 + (count % 2 === 1 ? 2 : 0);

/** How many samples fit in `bytes` of a format. */
const samplesIn = (format: 16 | 212, bytes: number) =>
  format === 16 ? Math.floor(bytes / 2) : Math.floor(bytes / 3) * 2 + (bytes % 3 === 2 ? 1 : 0);

/** One file's interleaved samples (frame after frame), `count` of them, from `offset`. */
function decodeStream(bytes: Buffer, format: 16 | 212, offset: number, count: number): Int16Array {
  const out = new Int16Array(count);
  if (format === 16) {
    for (let i = 0; i < count; i++) out[i] = bytes.readInt16LE(offset + i * 2);
    return out;
  }
  // 212: each pair of samples in 3 bytes; the first's low 8 bits in byte 0 and high 4 in byte 1's low
  // nibble, the second's low 8 bits in byte 2 and high 4 in byte 1's high nibble; 12-bit two's complement.
  for (let i = 0, p = offset; i < count; i += 2, p += 3) {
    const b1 = bytes[p + 1]!;
    const a = bytes[p]! | ((b1 & 0x0f) << 8);
    out[i] = a >= 0x800 ? a - 0x1000 : a;
    if (i + 1 < count) {
      const b = bytes[p + 2]! | ((b1 & 0xf0) << 4);
      out[i + 1] = b >= 0x800 ? b - 0x1000 : b;
    }
  }
  return out;
}

/**
 * The record's signals from the header and its signal files (`files` by the names the header uses). A file
 * the header names and `files` lacks is ECG_FILES_MISSING; a short file, a mismatched initial value or
 * checksum, or signal files of different lengths is ECG_FILE_INVALID.
 */
export function decodeWfdb(header: WfdbHeader, files: ReadonlyMap<string, Buffer>): EcgSignal {
  const groups = new Map<string, number[]>();
  header.signals.forEach((s, i) => {
    const g = groups.get(s.file) ?? [];
    g.push(i);
    groups.set(s.file, g);
  });
  const missing = [...groups.keys()].filter((f) => !files.has(f));
  if (missing.length > 0)
    throw ecgErrors.filesMissing(
      `头文件 ${header.recordName}.hea 需要信号文件 ${missing.join('、')}，请一并上传。`,
    );
  const formats = new Set(header.signals.map((s) => s.format));
  if (formats.size > 1) throw invalid('同一记录中的信号使用了不同的格式（16 和 212），暂不支持。');
  const format = header.signals[0]!.format;
  let samples = header.samples;
  const data: Int16Array[] = new Array(header.signals.length);
  for (const [file, idx] of groups) {
    const bytes = files.get(file)!;
    const first = header.signals[idx[0]!]!;
    if (idx.some((i) => header.signals[i]!.byteOffset !== first.byteOffset))
      throw invalid(`文件 ${file} 中各信号的字节偏移不一致。`);
    const k = idx.length;
    const available = Math.floor(samplesIn(format, Math.max(0, bytes.length - first.byteOffset)) / k);
    if (samples === null) {
      if (available === 0) throw invalid(`信号文件 ${file} 是空的。`);
      samples = available;
    }
    const need = first.byteOffset + bytesFor(format, samples * k);
    if (bytes.length < need)
      throw invalid(
        `信号文件 ${file} 不完整：头文件声明 ${samples} 个采样，需要 ${need} 字节，文件只有 ${bytes.length} 字节。`,
      );
    const stream = decodeStream(bytes, format, first.byteOffset, samples * k);
    idx.forEach((sig, j) => {
      const lead = new Int16Array(samples!);
      for (let s = 0; s < samples!; s++) lead[s] = stream[s * k + j]!;
      data[sig] = lead;
    });
  }
  const n = samples!;
  header.signals.forEach((s, i) => {
    const lead = data[i]!;
    if (s.initialValue !== null && lead[0] !== s.initialValue)
      throw invalid(
        `信号 ${s.description} 的第一个采样是 ${lead[0]}，头文件的初始值是 ${s.initialValue}：信号文件与头文件不是同一记录，或文件已损坏。`,
      );
    if (s.checksum !== null) {
      const sum = wfdbChecksum(lead);
      if (sum !== s.checksum)
        throw invalid(
          `信号 ${s.description} 的校验和是 ${sum}，头文件写的是 ${s.checksum}：信号文件已损坏或与头文件不是同一记录。`,
        );
    }
  });
  return {
    recordName: header.recordName,
    sourceFormat: format === 16 ? 'wfdb-16' : 'wfdb-212',
    sampleRate: header.sampleRate,
    samples: n,
    leads: header.signals.map((s) => ({
      name: leadName(s.description),
      gain: s.gain,
      baseline: s.baseline,
      units: 'mV',
    })),
    data,
    comments: header.comments,
  };
}

/** The header's name for a file when it sits next to the header (`100.dat`); paths are not followed. */
export function signalFilesOf(header: WfdbHeader): string[] {
  return [...new Set(header.signals.map((s) => s.file))];
}
