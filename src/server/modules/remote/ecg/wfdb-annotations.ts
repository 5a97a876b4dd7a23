/**
 * WFDB annotation files in MIT format (`.atr`, https://physionet.org/physiotools/wag/annot-5.htm): 16-bit
 * little-endian words, each a 6-bit code and a 10-bit interval since the previous annotation. Codes 1–49 are
 * annotations; the pseudo-codes modify them: SKIP (59: a 32-bit interval follows, high word first), NUM (60),
 * SUB (61), CHN (62) and AUX (63: that many bytes of text follow, padded to an even count). 0/0 ends the
 * file. Used by the beat-detection bench and tests as the reference (the cardiologists' beat labels).
 */
import { ecgErrors } from './ecg.errors.js';

export interface Annotation {
  /** Sample number. */
  sample: number;
  /** The mnemonic: N, V, A, +, … */
  symbol: string;
  code: number;
  subtype: number;
  chan: number;
  num: number;
  aux: string | null;
}

/** The MIT annotation codes (ecgcodes.h) as their mnemonics; index = code. */
const SYMBOLS = [
  ' ',
  'N',
  'L',
  'R',
  'a',
  'V',
  'F',
  'J',
  'A',
  'S',
  'E',
  'j',
  '/',
  'Q',
  '~',
  ' ',
  '|',
  ' ',
  's',
  'T',
  '*',
  'D',
  '"',
  '=',
  'p',
  'B',
  '^',
  't',
  '+',
  'u',
  '?',
  '!',
  '[',
  ']',
  'e',
  'n',
  '@',
  'x',
  'f',
  '(',
  ')',
  'r',
];

/** The beat labels (ANSI/AAMI EC57 counts these as beats; rhythm, noise and comment labels are not). */
export const BEAT_SYMBOLS: ReadonlySet<string> = new Set([
  'N',
  'L',
  'R',
  'B',
  'A',
  'a',
  'J',
  'S',
  'V',
  'r',
  'F',
  'e',
  'j',
  'n',
  'E',
  '/',
  'f',
  'Q',
  '?',
]);

const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;

export function parseMitAnnotations(bytes: Buffer): Annotation[] {
  const out: Annotation[] = [];
  let time = 0;
  let chan = 0;
  let num = 0;
  let p = 0;
  const word = () => {
    if (p + 2 > bytes.length) throw ecgErrors.fileInvalid('注释文件在记录中间结束（不完整）。');
    const w = bytes.readUInt16LE(p);
    p += 2;
    return w;
  };
  while (p + 2 <= bytes.length) {
    const w = word();
    const code = w >> 10;
    const interval = w & 0x3ff;
    if (code === 0 && interval === 0) break;
    const last = out[out.length - 1];
    switch (code) {
      case SKIP: {
        // The interval is a 32-bit value in PDP-11 order: the high 16 bits first, each word little-endian.
        const hi = word();
        const lo = word();
        time += ((hi << 16) | lo) >> 0;
        break;
      }
      case NUM:
        num = interval;
        if (last) last.num = num;
        break;
      case SUB:
        if (last) last.subtype = interval;
        break;
      case CHN:
        chan = interval;
        if (last) last.chan = chan;
        break;
      case AUX: {
        if (p + interval > bytes.length) throw ecgErrors.fileInvalid('注释文件的附加文本超出文件末尾。');
        const text = bytes
          .subarray(p, p + interval)
          .toString('latin1')
          .replace(/\0+$/, '');
        if (last) last.aux = text;
        p += interval + (interval % 2);
        break;
      }
      default:
        time += interval;
        out.push({
          sample: time,
          symbol: SYMBOLS[code] ?? String(code),
          code,
          subtype: 0,
          chan,
          num,
          aux: null,
        });
    }
  }
  return out;
}

/** The beat annotations only (BEAT_SYMBOLS), as sample numbers. */
export const beatSamples = (annotations: readonly Annotation[]) =>
  annotations.filter((a) => BEAT_SYMBOLS.has(a.symbol)).map((a) => a.sample);
