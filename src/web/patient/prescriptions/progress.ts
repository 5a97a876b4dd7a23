/**
 * The progress of a fulfilment as steps: what happened (the server's timeline, in its own words) and,
 * while it goes on, the stages still ahead (已下单 → 已支付 → 已发药 → 已揽收 → 运输中 → 已送达 → 已签收).
 */
import type { FulfilmentView, TimelineEntry } from '../../../shared/prescriptions.js';
import { isFulfilmentSettled } from './rx.js';

export const DELIVERY_STAGES = [
  'ordered',
  'paid',
  'dispensed',
  'shipped',
  'in_transit',
  'delivered',
  'received',
] as const;
export const PICKUP_STAGES = ['ordered', 'paid', 'picked_up'] as const;
export type Stage = (typeof DELIVERY_STAGES)[number] | (typeof PICKUP_STAGES)[number];

export type StepState = 'finish' | 'process' | 'wait' | 'error';

export interface ProgressStep {
  key: string;
  /** The server's words for a past step; undefined for a stage ahead (the page names it). */
  entry?: TimelineEntry;
  stage?: Stage;
  state: StepState;
}

type Progress = Pick<FulfilmentView, 'method' | 'status' | 'timeline'>;

/** Timeline kinds that are a setback rather than a step forward. */
const SETBACKS = new Set(['returned', 'failed', 'delivery_failed', 'cancelled', 'expired']);

/** The stage a timeline entry reaches, if it is one of the stages. */
function stageOf(kind: string, method: Progress['method']): Stage | undefined {
  switch (kind) {
    case 'chosen':
    case 'reserved':
    case 'ordered':
    case 'created':
      return 'ordered';
    case 'paid':
      return 'paid';
    case 'dispensed':
      return method === 'pickup' ? 'picked_up' : 'dispensed';
    case 'picked_up':
    case 'handed_over':
      // A courier's pick-up (揽收) for a delivery; the patient's own for a pick-up.
      return method === 'pickup' ? 'picked_up' : 'shipped';
    case 'shipped':
    case 'collected':
      return 'shipped';
    case 'in_transit':
      return 'in_transit';
    case 'delivered':
      return 'delivered';
    case 'received':
      return 'received';
    default:
      return undefined;
  }
}

/** The furthest stage the fulfilment's status alone says it reached. */
function stageOfStatus(f: Progress): number {
  const stages: readonly Stage[] = f.method === 'pickup' ? PICKUP_STAGES : DELIVERY_STAGES;
  const byStatus: Partial<Record<Progress['status'], Stage>> =
    f.method === 'pickup'
      ? { awaiting_payment: 'ordered', paid: 'paid', dispensed: 'picked_up', picked_up: 'picked_up' }
      : {
          awaiting_payment: 'ordered',
          paid: 'paid',
          dispensed: 'dispensed',
          shipping: 'shipped',
          delivered: 'delivered',
          received: 'received',
        };
  const stage = byStatus[f.status];
  return stage ? stages.indexOf(stage) : -1;
}

/** The steps to draw, oldest first. */
export function progressSteps(f: Progress): ProgressStep[] {
  const stages: readonly Stage[] = f.method === 'pickup' ? PICKUP_STAGES : DELIVERY_STAGES;
  const entries = f.timeline.slice().sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const settled = isFulfilmentSettled(f.status);
  const setback = f.status === 'returned' || f.status === 'cancelled';

  let reached = stageOfStatus(f);
  for (const entry of entries) {
    const stage = stageOf(entry.kind, f.method);
    if (stage) reached = Math.max(reached, stages.indexOf(stage));
  }

  const past: ProgressStep[] =
    entries.length > 0
      ? entries.map((entry, i) => ({
          key: `${entry.kind}-${i}`,
          entry,
          state: SETBACKS.has(entry.kind) ? 'error' : 'finish',
        }))
      : // No timeline: the stages the status says are done.
        stages.slice(0, reached + 1).map((stage) => ({ key: stage, stage, state: 'finish' }));

  const last = past.at(-1);
  if (last && last.state === 'finish' && !settled && !setback) last.state = 'process';
  if (last && setback && f.status === 'returned' && last.state === 'finish') last.state = 'error';

  // Nothing lies ahead of a settled fulfilment, nor of a returned parcel until the pharmacy acts.
  const ahead: ProgressStep[] =
    settled || setback
      ? []
      : stages.slice(reached + 1).map((stage) => ({ key: stage, stage, state: 'wait' }));
  return [...past, ...ahead];
}
