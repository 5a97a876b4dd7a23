/**
 * The one shape every ECG source decodes to (WFDB 16/212, DICOM waveform): leads of int16 samples in the
 * recording's ADC units, each with its gain (units per mV) and baseline, so `mv = (adc - baseline) / gain`.
 * The decoded signal is stored once (lead after lead, little-endian int16) and the viewer's millivolts are
 * computed from it; the originals stay untouched beside it.
 */
import type { EcgLeadRow } from '../../../platform/db/schema.js';

export type EcgSourceFormat = 'wfdb-16' | 'wfdb-212' | 'dicom';

export interface EcgSignal {
  recordName: string;
  sourceFormat: EcgSourceFormat;
  /** Samples per second per lead. */
  sampleRate: number;
  /** Samples per lead. */
  samples: number;
  leads: EcgLeadRow[];
  /** One array per lead, `samples` long, ADC units. */
  data: Int16Array[];
  /** The header's free text (WFDB `#` lines), e.g. age, sex and diagnosis of the PTB records. */
  comments: string[];
}

const STANDARD = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const BY_LOWER = new Map(STANDARD.map((n) => [n.toLowerCase(), n]));

/**
 * The standard 12 leads under their usual spelling (`i` → I, `avr` → aVR, DICOM's "Lead I (Einthoven)" → I),
 * so the viewer can lay them out whatever the device called them; any other name (MLII, vx) is kept.
 */
export function leadName(raw: string): string {
  const trimmed = raw.trim();
  const bare = trimmed
    .replace(/^lead\s+/i, '')
    .replace(/\s*\(.*\)\s*$/, '')
    .trim();
  return BY_LOWER.get(bare.toLowerCase()) ?? trimmed;
}

/** Duration in whole milliseconds. */
export const durationMs = (samples: number, sampleRate: number) => Math.round((samples * 1000) / sampleRate);

/** The stored form: every lead's samples one after the other, int16 little-endian. */
export function encodeSignal(data: readonly Int16Array[]): Buffer {
  const n = data[0]?.length ?? 0;
  const out = Buffer.alloc(data.length * n * 2);
  data.forEach((lead, i) => {
    for (let s = 0; s < n; s++) out.writeInt16LE(lead[s]!, (i * n + s) * 2);
  });
  return out;
}

/** Samples `[from, to)` of lead `lead` of a stored signal of `samples` per lead. */
export function leadSlice(
  stored: Buffer,
  samples: number,
  lead: number,
  from: number,
  to: number,
): Int16Array {
  const out = new Int16Array(Math.max(0, to - from));
  const base = lead * samples * 2;
  for (let s = from; s < to; s++) out[s - from] = stored.readInt16LE(base + s * 2);
  return out;
}

/** ADC units to millivolts, rounded to 4 decimals (what the viewer draws). */
export function toMillivolts(adc: Int16Array, lead: Pick<EcgLeadRow, 'gain' | 'baseline'>): number[] {
  const out = new Array<number>(adc.length);
  for (let i = 0; i < adc.length; i++)
    out[i] = Math.round(((adc[i]! - lead.baseline) / lead.gain) * 1e4) / 1e4;
  return out;
}
