/**
 * 追溯码 entry at the dispensing counter (RX-11), pure. A keyboard-wedge scanner types the 20 digits of a
 * box's drug trace code and presses Enter into one focused input; each scan goes to the current line and,
 * once the line has a code per box, the next line that still needs codes becomes current. What cannot be
 * a code (not 20 digits) and a code already scanned are refused here, before the server sees them.
 */

export const TRACE_CODE = /^[0-9]{20}$/;

/** A line to fill: one code per box (its quantity in packages). */
export interface ScanTarget {
  drugId: string;
  quantity: number;
}

export interface ScanState {
  /** The codes scanned per line, in the order of the targets. */
  codes: string[][];
  /** The line the next scan goes to; targets.length when every line is full. */
  current: number;
}

export type ScanRefusal = 'format' | 'duplicate' | 'full';

export type ScanOutcome =
  | { ok: true; state: ScanState; line: number; code: string }
  | { ok: false; reason: ScanRefusal; state: ScanState; code: string; line?: number };

/**
 * What a scan typed, as a code: blanks and control characters around it dropped (some scanners send a
 * CR or a tab with the Enter), full-width digits (０-９, from a Chinese IME left on) made ASCII.
 */
export function normaliseScan(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, '');
}

/** The first line from `from` on (then from the top) that still needs codes; targets.length if none. */
export function nextOpenLine(targets: readonly ScanTarget[], codes: readonly string[][], from = 0): number {
  for (let k = 0; k < targets.length; k++) {
    const i = (from + k) % targets.length;
    if ((codes[i]?.length ?? 0) < (targets[i]?.quantity ?? 0)) return i;
  }
  return targets.length;
}

export function startScan(targets: readonly ScanTarget[]): ScanState {
  const codes = targets.map(() => []);
  return { codes, current: nextOpenLine(targets, codes) };
}

/** One scan: appended to the current line, or refused with why. */
export function applyScan(targets: readonly ScanTarget[], state: ScanState, raw: string): ScanOutcome {
  const code = normaliseScan(raw);
  if (!TRACE_CODE.test(code)) return { ok: false, reason: 'format', state, code };
  const seenOn = state.codes.findIndex((list) => list.includes(code));
  if (seenOn >= 0) return { ok: false, reason: 'duplicate', state, code, line: seenOn };
  // The current line may have been filled by hand in the meantime: go to the next open one.
  const line =
    state.current < targets.length &&
    (state.codes[state.current]?.length ?? 0) < (targets[state.current]?.quantity ?? 0)
      ? state.current
      : nextOpenLine(targets, state.codes, state.current);
  if (line >= targets.length) return { ok: false, reason: 'full', state, code };
  const codes = state.codes.map((list, i) => (i === line ? [...list, code] : list));
  const full = codes[line]!.length >= targets[line]!.quantity;
  return {
    ok: true,
    state: { codes, current: full ? nextOpenLine(targets, codes, line + 1) : line },
    line,
    code,
  };
}

/** A code taken back (a wrong box): its line becomes current again. */
export function removeCode(
  targets: readonly ScanTarget[],
  state: ScanState,
  line: number,
  code: string,
): ScanState {
  const codes = state.codes.map((list, i) => (i === line ? list.filter((c) => c !== code) : list));
  return { codes, current: nextOpenLine(targets, codes, line) };
}

/** The person chose which line the next scans go to (a full line stays full: the next open one is used). */
export function selectLine(targets: readonly ScanTarget[], state: ScanState, line: number): ScanState {
  return { ...state, current: nextOpenLine(targets, state.codes, line) };
}

/** Every line has a code per box. */
export function scanComplete(targets: readonly ScanTarget[], state: ScanState): boolean {
  return targets.every((target, i) => (state.codes[i]?.length ?? 0) === target.quantity);
}

export interface BatchOption {
  batchNo: string;
  expiresOn: string;
  quantity: number;
}

/**
 * The batch to dispense from by default: first expiry first out (FEFO) among batches not expired on
 * `today` (YYYY-MM-DD) that hold enough boxes; else the earliest unexpired one; undefined if none.
 */
export function defaultBatch(
  batches: readonly BatchOption[],
  needed: number,
  today: string,
): string | undefined {
  const usable = batches
    .filter((b) => b.expiresOn >= today && b.quantity > 0)
    .sort((a, b) => a.expiresOn.localeCompare(b.expiresOn) || a.batchNo.localeCompare(b.batchNo));
  return (usable.find((b) => b.quantity >= needed) ?? usable[0])?.batchNo;
}
