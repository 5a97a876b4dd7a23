/**
 * A DICOM ECG waveform (12-lead, general or ambulatory ECG IODs: PS3.3 A.34, C.10.9), read with dcmjs. The
 * rhythm group (the original, longest multiplex group) is what the doctor reads; a derived median beat is
 * left aside. Samples are signed 16-bit, interleaved channel by channel; each channel's sensitivity
 * (and its correction factor and baseline) turns them into volts, here into the gain in units per mV.
 */
import { createRequire } from 'node:module';
import { ecgErrors } from './ecg.errors.js';
import { type EcgSignal, leadName } from './signal.js';

interface Code {
  CodeValue?: string;
  CodeMeaning?: string;
}
interface Channel {
  ChannelLabel?: string;
  ChannelSourceSequence?: Code[];
  ChannelSensitivity?: number | string;
  ChannelSensitivityUnitsSequence?: Code[];
  ChannelSensitivityCorrectionFactor?: number | string;
  ChannelBaseline?: number | string;
  WaveformBitsStored?: number;
}
interface MultiplexGroup {
  MultiplexGroupLabel?: string;
  WaveformOriginality?: string;
  NumberOfWaveformChannels?: number;
  NumberOfWaveformSamples?: number;
  SamplingFrequency?: number | string;
  WaveformBitsAllocated?: number;
  WaveformSampleInterpretation?: string;
  ChannelDefinitionSequence?: Channel[];
  WaveformData?: ArrayBuffer[] | ArrayBuffer;
}
interface Naturalized {
  SOPInstanceUID?: string;
  Modality?: string;
  WaveformSequence?: MultiplexGroup[];
}
/** The little of dcmjs used here (it ships no type declarations). */
interface Dcmjs {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer): { dict: unknown } };
    DicomMetaDictionary: { naturalizeDataset(dict: unknown): Naturalized };
  };
}

const dcmjs = createRequire(import.meta.url)('dcmjs') as Dcmjs;

/** Factor from the sensitivity's unit (UCUM code) to mV. */
const TO_MV: Record<string, number> = { uV: 1e-3, mV: 1, V: 1e3, nV: 1e-6 };

const invalid = (detail: string) => ecgErrors.fileInvalid(detail);

/** True when the bytes look like DICOM Part 10 (the "DICM" prefix after the 128-byte preamble). */
export const isDicom = (bytes: Buffer) =>
  bytes.length >= 132 && bytes.subarray(128, 132).toString('latin1') === 'DICM';

export function decodeDicomWaveform(bytes: Buffer, fileName: string): EcgSignal {
  let ds: Naturalized;
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const file = dcmjs.data.DicomMessage.readFile(ab);
    ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
  } catch {
    throw invalid(`${fileName} 不是完整的 DICOM 文件（文件已损坏或被截断）。`);
  }
  const groups = ds.WaveformSequence ?? [];
  if (groups.length === 0)
    throw invalid(`${fileName} 是 DICOM 文件，但不含心电波形（没有 Waveform Sequence）。`);
  // The rhythm strip: the original group with the most samples (a median beat is derived and short).
  const group = [...groups].sort(
    (a, b) =>
      Number(b.WaveformOriginality === 'ORIGINAL') - Number(a.WaveformOriginality === 'ORIGINAL') ||
      (b.NumberOfWaveformSamples ?? 0) - (a.NumberOfWaveformSamples ?? 0),
  )[0]!;
  const channels = group.ChannelDefinitionSequence ?? [];
  const nch = group.NumberOfWaveformChannels ?? 0;
  const ns = group.NumberOfWaveformSamples ?? 0;
  const fs = Number(group.SamplingFrequency);
  if (nch < 1 || ns < 1 || channels.length !== nch || !(fs > 0))
    throw invalid(`${fileName} 的波形通道数、采样数或采样频率缺失或不一致。`);
  if (group.WaveformBitsAllocated !== 16 || group.WaveformSampleInterpretation !== 'SS')
    throw invalid(
      `${fileName} 的波形采样是 ${group.WaveformBitsAllocated ?? '?'} 位 ${group.WaveformSampleInterpretation ?? '?'}；只支持 16 位有符号（SS）。`,
    );
  const raw = Array.isArray(group.WaveformData) ? group.WaveformData[0] : group.WaveformData;
  if (!raw || raw.byteLength < nch * ns * 2)
    throw invalid(
      `${fileName} 的波形数据不完整：应有 ${nch * ns * 2} 字节，只有 ${raw?.byteLength ?? 0} 字节。`,
    );
  const view = new DataView(raw);
  const data = channels.map(() => new Int16Array(ns));
  for (let s = 0; s < ns; s++)
    for (let c = 0; c < nch; c++) data[c]![s] = view.getInt16((s * nch + c) * 2, true);
  const leads = channels.map((ch, c) => {
    const unit = ch.ChannelSensitivityUnitsSequence?.[0]?.CodeValue ?? 'uV';
    const toMv = TO_MV[unit];
    const sensitivity = Number(ch.ChannelSensitivity) * Number(ch.ChannelSensitivityCorrectionFactor ?? 1);
    if (toMv === undefined || !(sensitivity > 0))
      throw invalid(`${fileName} 第 ${c + 1} 通道的灵敏度或其单位（${unit}）无效。`);
    // value = raw × sensitivity + baseline (in the sensitivity's unit): per mV, and the baseline in raw units.
    const perUnitMv = sensitivity * toMv;
    const baselineRaw = -Number(ch.ChannelBaseline ?? 0) / sensitivity;
    const name = ch.ChannelLabel ?? ch.ChannelSourceSequence?.[0]?.CodeMeaning ?? `通道 ${c + 1}`;
    return {
      name: leadName(name),
      gain: Math.round(1e6 / perUnitMv) / 1e6,
      baseline: Math.round(baselineRaw) || 0,
      units: 'mV',
    };
  });
  return {
    recordName: fileName.replace(/\.[^.]*$/, '') || (ds.SOPInstanceUID ?? 'ecg'),
    sourceFormat: 'dicom',
    sampleRate: fs,
    samples: ns,
    leads,
    data,
    comments: [],
  };
}
