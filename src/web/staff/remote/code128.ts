/**
 * Code 128 (ISO/IEC 15417) for the specimen labels: the bars of a barcode as module widths, drawn as SVG by
 * SpecimenLabel. Code set B covers the specimen barcodes (`^[A-Z0-9-]{6,32}$`); set C packs an even run of
 * digits two to a symbol, so a numeric label stays short enough for a tube. No package in the project draws
 * Code 128, and the symbology is a fixed table.
 */

/** Bar/space widths of symbols 0–106 (each sums to 11 modules; the stop, 106, to 13). */
const PATTERNS = [
  '212222',
  '222122',
  '222221',
  '121223',
  '121322',
  '131222',
  '122213',
  '122312',
  '132212',
  '221213',
  '221312',
  '231212',
  '112232',
  '122132',
  '122231',
  '113222',
  '123122',
  '123221',
  '223211',
  '221132',
  '221231',
  '213212',
  '223112',
  '312131',
  '311222',
  '321122',
  '321221',
  '312212',
  '322112',
  '322211',
  '212123',
  '212321',
  '232121',
  '111323',
  '131123',
  '131321',
  '112313',
  '132113',
  '132311',
  '211313',
  '231113',
  '231311',
  '112133',
  '112331',
  '132131',
  '113123',
  '113321',
  '133121',
  '313121',
  '211331',
  '231131',
  '213113',
  '213311',
  '213131',
  '311123',
  '311321',
  '331121',
  '312113',
  '312311',
  '332111',
  '314111',
  '221411',
  '431111',
  '111224',
  '111422',
  '121124',
  '121421',
  '141122',
  '141221',
  '112214',
  '112412',
  '122114',
  '122411',
  '142112',
  '142211',
  '241211',
  '221114',
  '413111',
  '241112',
  '134111',
  '111242',
  '121142',
  '121241',
  '114212',
  '124112',
  '124211',
  '411212',
  '421112',
  '421211',
  '212141',
  '214121',
  '412121',
  '111143',
  '111341',
  '131141',
  '114113',
  '114311',
  '411113',
  '411311',
  '113141',
  '114131',
  '311141',
  '411131',
  '211412',
  '211214',
  '211232',
  '2331112',
] as const;

const START_B = 104;
const START_C = 105;
const CODE_B = 100;
const CODE_C = 99;
const STOP = 106;

export { PATTERNS as CODE128_PATTERNS };

/** The symbol values of `text` (start, data, checksum, stop). Throws on a character outside ASCII 32–126. */
export function code128Symbols(text: string): number[] {
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 32 || code > 126) throw new RangeError(`Code 128 B cannot encode ${JSON.stringify(ch)}`);
  }
  const digitsAt = (i: number) => /^\d*/.exec(text.slice(i))?.[0].length ?? 0;
  const symbols: number[] = [];
  // Start in C when the text opens with 4 or more digits (or is all digits, an even count).
  const leading = digitsAt(0);
  let set: 'B' | 'C' = leading >= 4 && (leading % 2 === 0 || leading < text.length) ? 'C' : 'B';
  symbols.push(set === 'C' ? START_C : START_B);
  let i = 0;
  while (i < text.length) {
    const run = digitsAt(i);
    if (set === 'B' && run >= 6 && run % 2 === 0) {
      symbols.push(CODE_C);
      set = 'C';
    }
    if (set === 'C') {
      if (digitsAt(i) >= 2) {
        symbols.push(Number(text.slice(i, i + 2)));
        i += 2;
        continue;
      }
      symbols.push(CODE_B);
      set = 'B';
    }
    symbols.push(text.charCodeAt(i) - 32);
    i += 1;
  }
  const checksum = symbols.reduce((sum, value, index) => sum + value * Math.max(index, 1), 0) % 103;
  symbols.push(checksum, STOP);
  return symbols;
}

/** Alternating bar and space widths in modules, starting with a bar (quiet zones not included). */
export function code128Widths(text: string): number[] {
  return code128Symbols(text).flatMap((symbol) => [...PATTERNS[symbol]].map(Number));
}
