/**
 * The chain of custody of a laboratory specimen (REMOTE-5, 基层检查、上级诊断; REC-2: every step is a
 * record with who, where and when). Pure: which step may follow which, and which side scans it.
 *
 * collected → packed → picked_up → received → tested → reported, or rejected (at or after received, before
 * reported). The requesting institution collects and packs; the centre's own courier picks the bag up (the
 * regional laboratory runs the collection round, so its staff scan `picked_up`), receives, tests, rejects;
 * `reported` is the signature of the report (the sign command), never a scan. `tested` is also recorded when
 * the first results are entered. A rejected specimen ends its chain: a re-draw is a new specimen.
 */
import type { SpecimenStep } from '../../../../shared/remote.js';

export type Side = 'requester' | 'centre';
/** How a step is recorded: a scan (POST /specimens/:barcode/events), a result entry, or the signature. */
export type Via = 'scan' | 'results' | 'signing';

export const STEP_RULES: Record<Exclude<SpecimenStep, 'collected'>, { from: SpecimenStep[]; by: Side }> = {
  packed: { from: ['collected'], by: 'requester' },
  picked_up: { from: ['packed'], by: 'centre' },
  received: { from: ['picked_up'], by: 'centre' },
  tested: { from: ['received'], by: 'centre' },
  reported: { from: ['tested'], by: 'centre' },
  rejected: { from: ['received', 'tested'], by: 'centre' },
};

export const REJECT_REASONS = [
  'haemolysed',
  'insufficient',
  'clotted',
  'wrong_container',
  'unlabelled',
  'delayed',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const REJECT_REASON_TEXT: Record<RejectReason, [string, string]> = {
  haemolysed: ['溶血', 'haemolysed'],
  insufficient: ['标本量不足', 'insufficient volume'],
  clotted: ['标本凝固', 'clotted'],
  wrong_container: ['采血管错误', 'wrong container'],
  unlabelled: ['标签缺失或不符', 'unlabelled or mislabelled'],
  delayed: ['送检超时', 'transport delayed'],
};

export type StepRefusal =
  | 'reported_by_signing'
  | 'wrong_institution'
  | 'rejected'
  | 'repeated'
  | 'out_of_order'
  | 'reason_required';

export interface StepQuestion {
  step: Exclude<SpecimenStep, 'collected'>;
  /** The specimen's status now. */
  status: SpecimenStep;
  /** The steps already recorded for it. */
  done: readonly SpecimenStep[];
  /** The sides the caller is on (a doctor practising at both institutions is on both). */
  sides: readonly Side[];
  via: Via;
  reason?: string | undefined;
}

/**
 * null when the step may be recorded; else why not, checked in this order: `reported` only by signing;
 * the wrong institution (403); a rejected specimen takes no further step; a step recorded already; a step
 * out of order; a rejection without its reason.
 */
export function refuseStep(q: StepQuestion): StepRefusal | null {
  if (q.step === 'reported' && q.via !== 'signing') return 'reported_by_signing';
  const rule = STEP_RULES[q.step];
  if (!q.sides.includes(rule.by)) return 'wrong_institution';
  if (q.status === 'rejected') return 'rejected';
  if (q.status === q.step || q.done.includes(q.step)) return 'repeated';
  if (!rule.from.includes(q.status)) return 'out_of_order';
  if (q.step === 'rejected' && !q.reason) return 'reason_required';
  return null;
}

/** Only the requesting institution collects a specimen (REMOTE-5: 基层采样). */
export const mayCollect = (sides: readonly Side[]) => sides.includes('requester');

/** Results may be entered on a specimen the centre has received (and perhaps already tested). */
export const acceptsResults = (status: SpecimenStep) => status === 'received' || status === 'tested';

/**
 * The printable barcode (Code 128, ^[A-Z0-9-]{6,32}$): 'S', the request's accession number without its
 * separators, '-' and the specimen's number within the request (1, then 2 for the first re-draw …).
 */
export function specimenBarcode(accessionNo: string, seq: number): string {
  const suffix = `-${seq}`;
  const body = accessionNo.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const room = 32 - 1 - suffix.length;
  const core = body.length > room ? body.slice(-room) : body.padStart(4, '0');
  return `S${core}${suffix}`;
}

/** A rejection reason in a language (an unknown code is shown as it is). */
export function rejectReasonText(reason: string, lang: 'zh-CN' | 'en-US'): string {
  const pair = REJECT_REASON_TEXT[reason as RejectReason];
  return pair ? pair[lang === 'zh-CN' ? 0 : 1] : reason;
}
