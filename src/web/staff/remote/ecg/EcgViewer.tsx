import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, Button, Slider, Spin, Typography } from 'antd';
import { type PointerEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EcgMeasurements, EcgMeasurementsConfirmed } from '../../../../shared/remote.js';
import { useApiData } from '../../../components/useApiData.js';
import {
  amplitudeMv,
  bpmFromRr,
  type IntervalMark,
  intervalMs,
  markMs,
  type NamedInterval,
  qtc as qtcOf,
} from './calipers.js';
import { drawEcg, type FreeCaliper, type MarkToDraw } from './draw.js';
import { EcgIntervals, type IntervalValues } from './EcgIntervals.js';
import { EcgSuggestions, type HeartRateDecision } from './EcgSuggestions.js';
import { EcgToolbar, type Mode, stepZoom } from './EcgToolbar.js';
import {
  clampStart,
  defaultRhythmLead,
  formatClock,
  type Gain,
  PAGE_MS,
  panelAt,
  planLayout,
  type Speed,
  timeAt,
  xAt,
} from './layout.js';
import { useEcgWindow } from './useEcgWindow.js';
import './ecg.css';

/** Device pixels a canvas may take before the pixel ratio is lowered (memory on a reading workstation). */
const MAX_CANVAS_PIXELS = 40_000_000;

type Drag =
  | { kind: 'pan'; x: number; startMs: number }
  | { kind: 'caliper'; x1: number; y1: number; x2: number; y2: number; minX: number; maxX: number };

/**
 * The ECG viewer of the centre's reading page: the record on ECG paper (12-lead 3 × 4 with a rhythm strip,
 * or each lead full width), speed, gain, zoom and pan, calipers, and the automatic measurements as
 * suggestions the doctor confirms or corrects (REMOTE-5: nothing is taken unseen). `onConfirm` receives
 * the doctor's heart rate, intervals and rhythm; without it the viewer only reads.
 */
export function EcgViewer(props: {
  ecgId: string;
  onConfirm?: (m: EcgMeasurementsConfirmed) => void;
  initial?: EcgMeasurementsConfirmed | null;
}) {
  const { ecgId, onConfirm, initial } = props;
  const { t, i18n } = useTranslation();
  const [speed, setSpeed] = useState<Speed>(25);
  const [gain, setGain] = useState<Gain>(10);
  const [zoom, setZoom] = useState(1);
  const [startMs, setStartMs] = useState(0);
  const [mode, setMode] = useState<Mode>('pan');
  const [rhythmChoice, setRhythmChoice] = useState<number | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [caliper, setCaliper] = useState<Omit<FreeCaliper, 'text'> | null>(null);
  const [pending, setPending] = useState<{ leadIndex: number; ms: number } | null>(null);
  const [marks, setMarks] = useState<Partial<Record<NamedInterval, IntervalMark>>>({});
  const [values, setValues] = useState<IntervalValues>(() => ({
    pr: initial?.prMs ?? null,
    qrs: initial?.qrsMs ?? null,
    qt: initial?.qtMs ?? null,
    rr: null,
  }));
  const [decision, setDecision] = useState<HeartRateDecision>(() =>
    initial?.heartRate != null && initial.heartRateConfirmed
      ? { kind: 'saved', value: initial.heartRate }
      : null,
  );
  const [rhythm, setRhythm] = useState(initial?.rhythm ?? '');
  const [confirmed, setConfirmed] = useState(false);

  const win = useEcgWindow(ecgId, startMs);
  const measurements = useApiData<EcgMeasurements>(`/ecg/${encodeURIComponent(ecgId)}/measurements`);
  const suggestion = measurements.data;
  const data = win.data;
  // Keyed on the names, so a newly fetched window of the same record keeps the layout (and the caliper).
  const leadKey = data?.leads.map((l) => l.name).join('\u0000') ?? '';
  const leadNames = useMemo(() => (leadKey ? leadKey.split('\u0000') : []), [leadKey]);
  const lastBeat = suggestion?.beats.at(-1)?.timeMs ?? 0;
  const durationMs = win.durationKnown ? win.durationMs : Math.max(win.durationMs, lastBeat);
  const rhythmLead = rhythmChoice ?? defaultRhythmLead(leadNames, suggestion?.leadUsed);

  // A new record starts at its beginning with nothing measured.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the record changes only.
  useEffect(() => {
    setStartMs(0);
    setRhythmChoice(null);
    setCaliper(null);
    setPending(null);
    setMarks({});
    setConfirmed(false);
  }, [ecgId]);
  // A saved draft that arrives (or changes) after the viewer opened replaces the doctor's values with it;
  // the first one was taken by the state initialisers above.
  const initialKey = JSON.stringify(initial ?? null);
  const appliedInitial = useRef(initialKey);
  useEffect(() => {
    if (initialKey === appliedInitial.current) return;
    appliedInitial.current = initialKey;
    const next = JSON.parse(initialKey) as EcgMeasurementsConfirmed | null;
    if (!next) return;
    setValues((v) => ({ ...v, pr: next.prMs ?? null, qrs: next.qrsMs ?? null, qt: next.qtMs ?? null }));
    setDecision(
      next.heartRate != null && next.heartRateConfirmed ? { kind: 'saved', value: next.heartRate } : null,
    );
    setRhythm(next.rhythm ?? '');
  }, [initialKey]);
  // Lead names changing (another record) invalidates the chosen rhythm lead.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the names, not the array.
  useEffect(() => setRhythmChoice(null), [leadKey]);

  const layout = useMemo(
    () => planLayout({ leadNames, startMs, paper: { speed, gain, zoom }, rhythmLead }),
    [leadNames, startMs, speed, gain, zoom, rhythmLead],
  );

  // A free caliper is drawn in pixels: a new page, speed, gain or zoom clears it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: cleared whenever the layout changes.
  useEffect(() => setCaliper(null), [layout]);

  const caliperReading = useMemo(() => {
    const c = drag?.kind === 'caliper' ? drag : caliper;
    if (!c || c.x1 === c.x2) return null;
    const ms = intervalMs(c.x1, c.x2, layout.pxPerMs);
    const bpm = bpmFromRr(ms);
    return {
      box: { x1: c.x1, y1: c.y1, x2: c.x2, y2: c.y2 },
      ms: Math.round(ms),
      bpm: bpm === null ? '—' : Math.round(bpm),
      mv: amplitudeMv(c.y1, c.y2, layout.pxPerMv).toFixed(2),
    };
  }, [drag, caliper, layout]);

  const drawnMarks = useMemo<MarkToDraw[]>(
    () =>
      (Object.entries(marks) as [NamedInterval, IntervalMark][]).map(([name, m]) => ({
        ...m,
        label: name.toUpperCase(),
      })),
    [marks],
  );
  const pendingX = useMemo(() => {
    if (!pending) return null;
    const panel = layout.panels.find(
      (p) => p.leadIndex === pending.leadIndex && pending.ms >= p.fromMs && pending.ms < p.toMs,
    );
    return panel ? xAt(layout, panel, pending.ms) : null;
  }, [pending, layout]);
  const beatsMs = useMemo(() => suggestion?.beats.map((b) => b.timeMs) ?? [], [suggestion]);

  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const area = layout.width * layout.height;
    const ratio = Math.min(window.devicePixelRatio || 1, Math.sqrt(MAX_CANVAS_PIXELS / Math.max(1, area)));
    canvas.width = Math.round(layout.width * ratio);
    canvas.height = Math.round(layout.height * ratio);
    canvas.style.width = `${layout.width}px`;
    canvas.style.height = `${layout.height}px`;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    drawEcg(ctx, layout, data ?? null, {
      beatsMs,
      marks: drawnMarks,
      pendingX,
      pixelRatio: ratio,
      caliper: caliperReading
        ? {
            ...caliperReading.box,
            text: t('ecgViewer.caliperText', {
              ms: caliperReading.ms,
              bpm: caliperReading.bpm,
              mv: caliperReading.mv,
            }),
          }
        : null,
    });
  }, [layout, data, beatsMs, drawnMarks, pendingX, caliperReading, t]);

  // Ctrl + wheel zooms; a plain wheel scrolls the page as usual. Not passive, to keep the browser's zoom out.
  const scrollRef = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      setZoom((z) => stepZoom(z, e.deltaY < 0 ? 1 : -1));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const moveTo = useCallback(
    (ms: number) => setStartMs(clampStart(Math.round(ms), durationMs)),
    [durationMs],
  );

  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    const { x, y } = point(e);
    if (mode === 'pan') {
      e.currentTarget.setPointerCapture(e.pointerId);
      setDrag({ kind: 'pan', x, startMs });
      return;
    }
    const panel = panelAt(layout, x, y);
    if (!panel || panel.leadIndex < 0) return;
    if (mode === 'caliper') {
      e.currentTarget.setPointerCapture(e.pointerId);
      setCaliper(null);
      setDrag({ kind: 'caliper', x1: x, y1: y, x2: x, y2: y, minX: panel.x, maxX: panel.x + panel.width });
      return;
    }
    const ms = timeAt(layout, panel, x);
    if (!pending) {
      setPending({ leadIndex: panel.leadIndex, ms });
      return;
    }
    const mark = {
      leadIndex: pending.leadIndex,
      fromMs: Math.min(pending.ms, ms),
      toMs: Math.max(pending.ms, ms),
    };
    setMarks((m) => ({ ...m, [mode]: mark }));
    setValues((v) => ({ ...v, [mode]: markMs(mark) }));
    setPending(null);
    setConfirmed(false);
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drag) return;
    const { x, y } = point(e);
    if (drag.kind === 'pan') moveTo(drag.startMs - (x - drag.x) / layout.pxPerMs);
    else setDrag({ ...drag, x2: Math.max(drag.minX, Math.min(drag.maxX, x)), y2: y });
  };
  const onPointerUp = () => {
    if (drag?.kind === 'caliper') setCaliper(drag.x1 === drag.x2 ? null : drag);
    setDrag(null);
  };

  const changeMode = (next: Mode) => {
    setMode(next);
    setPending(null);
  };
  const setIntervalValue = (name: NamedInterval, value: number | null) => {
    setValues((v) => ({ ...v, [name]: value }));
    // A typed value replaces the caliper's, so its bracket goes.
    setMarks(({ [name]: _, ...rest }) => rest);
    setConfirmed(false);
  };
  const decide = (d: HeartRateDecision) => {
    setDecision(d);
    setConfirmed(false);
  };

  const heartRate = decision?.value ?? (suggestion?.heartRate != null ? suggestion.heartRate : null);
  const qtc = qtcOf(values.qt, values.rr, heartRate);
  const rhythmHint = suggestion
    ? i18n.language === 'en-US'
      ? suggestion.rhythmHintEn
      : suggestion.rhythmHint
    : '';
  const confirm = () => {
    if (!decision || !onConfirm) return;
    onConfirm({
      heartRate: decision.value,
      prMs: values.pr,
      qrsMs: values.qrs,
      qtMs: values.qt,
      qtcMs: qtc ? Math.round(qtc.bazettMs) : null,
      rhythm: rhythm.trim() || null,
      // The doctor decided the rate (took the suggestion or typed a correction): never set without them.
      heartRateConfirmed: true,
    });
    setConfirmed(true);
  };

  const modeName = mode === 'pan' || mode === 'caliper' ? '' : t(`ecgViewer.measurements.${mode}`);
  const hint =
    mode === 'pan'
      ? t('ecgViewer.hints.pan')
      : mode === 'caliper'
        ? t('ecgViewer.hints.caliper')
        : pending
          ? t('ecgViewer.hints.second', { name: modeName })
          : t('ecgViewer.hints.first', { name: modeName });
  const pageEnd = Math.min(startMs + PAGE_MS, durationMs);
  const canvasLabel = t('ecgViewer.canvasLabel', {
    count: leadNames.length,
    leads: leadNames.join(i18n.language === 'en-US' ? ', ' : '、'),
    duration: formatClock(durationMs),
    from: formatClock(startMs),
    to: formatClock(pageEnd),
    hr:
      suggestion?.heartRate != null
        ? t('ecgViewer.canvasHr', { hr: Math.round(suggestion.heartRate) })
        : t('ecgViewer.canvasNoHr'),
  });

  return (
    <section className="ecg-viewer" aria-label={t('ecgViewer.title')} data-testid="ecg-viewer">
      <EcgToolbar
        speed={speed}
        onSpeed={setSpeed}
        gain={gain}
        onGain={setGain}
        zoom={zoom}
        onZoom={setZoom}
        leadNames={leadNames}
        rhythmLead={rhythmLead}
        onRhythmLead={setRhythmChoice}
        mode={mode}
        onMode={changeMode}
      />

      <div className="ecg-viewer__body">
        <div className="ecg-viewer__main">
          <Typography.Text type="secondary" className="ecg-viewer__hint" aria-live="polite">
            {hint}
          </Typography.Text>
          {win.error !== undefined && !data ? (
            <Alert
              type="error"
              showIcon
              title={t('ecgViewer.loadError', { message: errorMessage(win.error) })}
              action={
                <Button size="small" onClick={win.reload}>
                  {t('ecgViewer.retry')}
                </Button>
              }
            />
          ) : null}
          {/* Focusable, so a keyboard can scroll a zoomed page (axe: scrollable-region-focusable). */}
          <section
            ref={scrollRef}
            className="ecg-viewer__scroll"
            aria-label={t('ecgViewer.paper')}
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to scroll by keyboard.
            tabIndex={0}
          >
            {!data && win.error === undefined && (
              <div className="ecg-viewer__loading">
                <Spin />
                <Typography.Text>{t('ecgViewer.loading')}</Typography.Text>
              </div>
            )}
            <canvas
              ref={canvasRef}
              role="img"
              aria-label={canvasLabel}
              className={`ecg-viewer__canvas ecg-viewer__canvas--${mode === 'pan' ? 'pan' : 'measure'}${drag?.kind === 'pan' ? ' is-dragging' : ''}`}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={onPointerUp}
              data-testid="ecg-canvas"
            />
          </section>
          <div className="ecg-viewer__time">
            <Button
              icon={<LeftOutlined aria-hidden />}
              aria-label={t('ecgViewer.time.stepBack')}
              disabled={startMs <= 0}
              onClick={() => moveTo(startMs - PAGE_MS)}
            />
            <Slider
              className="ecg-viewer__slider"
              min={0}
              max={Math.max(0, durationMs - PAGE_MS)}
              step={100}
              value={startMs}
              onChange={moveTo}
              tooltip={{ formatter: (v) => formatClock(v ?? 0) }}
              ariaLabelForHandle={t('ecgViewer.time.slider')}
              ariaValueTextFormatterForHandle={(v) => formatClock(v ?? 0)}
              data-testid="ecg-time-slider"
            />
            <Button
              icon={<RightOutlined aria-hidden />}
              aria-label={t('ecgViewer.time.stepForward')}
              disabled={startMs + PAGE_MS >= durationMs}
              onClick={() => moveTo(startMs + PAGE_MS)}
            />
            <Typography.Text className="ecg-viewer__position" data-testid="ecg-position">
              {t('ecgViewer.time.position', {
                from: formatClock(startMs),
                to: formatClock(pageEnd),
                total: formatClock(durationMs),
              })}
            </Typography.Text>
          </div>
          {caliperReading && (
            <Typography.Text
              className="ecg-viewer__reading"
              aria-live="polite"
              data-testid="ecg-caliper-reading"
            >
              {t('ecgViewer.caliperReading', {
                ms: caliperReading.ms,
                bpm: caliperReading.bpm,
                mv: caliperReading.mv,
              })}
            </Typography.Text>
          )}
        </div>

        <aside className="ecg-viewer__side">
          <EcgSuggestions measurements={suggestion} decision={decision} onDecide={decide} />
          <EcgIntervals
            values={values}
            onChange={setIntervalValue}
            qtc={qtc}
            heartRate={heartRate}
            rhythm={rhythm}
            onRhythm={(r) => {
              setRhythm(r);
              setConfirmed(false);
            }}
            rhythmHint={rhythmHint}
            canConfirm={decision !== null}
            onConfirm={onConfirm ? confirm : undefined}
            confirmed={confirmed}
          />
        </aside>
      </div>
    </section>
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
