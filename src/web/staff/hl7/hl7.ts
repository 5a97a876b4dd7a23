/**
 * Pure helpers of the HL7 接口 page: an HL7 v2 message separates its segments with carriage returns
 * (\r), which a textarea shows as one long line; the editor shows one segment per line and sends \r back.
 */
import type { Hl7MatchView, Hl7MessageView } from '../../../shared/records.js';

/** The message as the editor shows it: one segment per line, no blank lines. */
export function toEditable(raw: string): string {
  return segments(raw).join('\n');
}

/** The edited text as HL7 sends it: segments joined by \r, blank lines dropped, each segment as typed. */
export function toWire(text: string): string {
  return segments(text).join('\r');
}

/** Lines of the text, whatever ends them (\r, \n or \r\n), without empty or blank ones. */
function segments(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
}

/** The text was changed in the editor (not counting line endings or blank lines). */
export function edited(raw: string, text: string): boolean {
  return toWire(raw) !== toWire(text);
}

/** Tag colours of the message statuses (the tag's words say the status; the colour repeats it). */
export const STATUS_COLOUR: Record<Hl7MessageView['status'], string> = {
  applied: 'success',
  replayed: 'cyan',
  held: 'warning',
  dead: 'error',
  discarded: 'default',
};

/** How a replay or a resolution ended, as the drawer reports it. */
export type ReplayOutcome = 'applied' | 'held' | 'failed';

export function replayOutcome(after: Pick<Hl7MessageView, 'status'>): ReplayOutcome {
  if (after.status === 'applied' || after.status === 'replayed') return 'applied';
  if (after.status === 'held') return 'held';
  return 'failed';
}

/** Pending matches first (oldest first: the longest waiting), then the resolved ones, newest first. */
export function matchOrder(matches: readonly Hl7MatchView[]): Hl7MatchView[] {
  const pending = matches
    .filter((m) => m.status === 'pending')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const resolved = matches
    .filter((m) => m.status !== 'pending')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return [...pending, ...resolved];
}
