import { useEffect, useMemo, useState } from 'react';
import type { EcgLeads } from '../../../../shared/remote.js';
import { useApiData } from '../../../components/useApiData.js';
import { covers, fetchWindow } from './fetch-window.js';

export interface EcgWindow {
  data: EcgLeads | undefined;
  error: unknown;
  reload(): void;
  /** The record's length when the server says it or the samples ran out; else what is known so far. */
  durationMs: number;
  durationKnown: boolean;
}

/**
 * The samples around the page being viewed. Moving the page outside the fetched span asks for the
 * next span (after a short pause, so dragging the time slider does not fire a request per pixel);
 * the old samples stay on screen until the new ones arrive.
 */
export function useEcgWindow(ecgId: string, startMs: number): EcgWindow {
  const [span, setWindow] = useState(() => fetchWindow(startMs));
  const path = `/ecg/${encodeURIComponent(ecgId)}/leads?from=${span.from}&to=${span.to}`;
  const { data: answer, error, reload } = useApiData<EcgLeads>(path);
  const data = answer && answer.id === ecgId ? answer : undefined;
  const [end, setEnd] = useState<{ ms: number; known: boolean }>({ ms: 0, known: false });

  useEffect(() => {
    if (!data) return;
    if (data.durationMs !== undefined) setEnd({ ms: data.durationMs, known: true });
    // Fewer samples than asked for: the record ends there.
    else if (data.toMs < span.to) setEnd({ ms: data.toMs, known: true });
    else setEnd((e) => (e.known ? e : { ms: Math.max(e.ms, data.toMs), known: false }));
  }, [data, span.to]);

  const durationMs = end.known ? end.ms : Math.max(end.ms, span.to);
  const known = end.known ? end.ms : null;
  useEffect(() => {
    if (covers(span, startMs, known)) return;
    const timer = setTimeout(() => setWindow(fetchWindow(startMs)), 150);
    return () => clearTimeout(timer);
  }, [startMs, span, known]);

  // A new record starts over.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the record changes.
  useEffect(() => {
    setEnd({ ms: 0, known: false });
    setWindow(fetchWindow(0));
  }, [ecgId]);

  return useMemo(
    () => ({ data, error, reload, durationMs, durationKnown: end.known }),
    [data, error, reload, durationMs, end.known],
  );
}
