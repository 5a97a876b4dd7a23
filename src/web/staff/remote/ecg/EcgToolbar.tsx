import { ZoomInOutlined, ZoomOutOutlined } from '@ant-design/icons';
import { Button, Segmented, Select, Space, Tooltip } from 'antd';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { NamedInterval } from './calipers.js';
import { GAINS, type Gain, SPEEDS, type Speed } from './layout.js';

export type Mode = 'pan' | 'caliper' | NamedInterval;
const ZOOMS = [0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4] as const;

/** The next zoom step in or out, staying within the list. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  const i = ZOOMS.findIndex((z) => z >= zoom - 1e-9);
  const next = Math.max(0, Math.min(ZOOMS.length - 1, (i < 0 ? ZOOMS.length - 1 : i) + direction));
  return ZOOMS[next];
}

/** Paper speed and gain, zoom, the rhythm strip's lead and what the pointer does: labelled antd controls. */
export function EcgToolbar({
  speed,
  onSpeed,
  gain,
  onGain,
  zoom,
  onZoom,
  leadNames,
  rhythmLead,
  onRhythmLead,
  mode,
  onMode,
}: {
  speed: Speed;
  onSpeed(speed: Speed): void;
  gain: Gain;
  onGain(gain: Gain): void;
  zoom: number;
  onZoom(update: (zoom: number) => number): void;
  leadNames: readonly string[];
  rhythmLead: number;
  onRhythmLead(lead: number): void;
  mode: Mode;
  onMode(mode: Mode): void;
}) {
  const { t } = useTranslation();
  const ids = useId();
  const percent = Math.round(zoom * 100);
  return (
    <div className="ecg-viewer__toolbar" role="toolbar" aria-label={t('ecgViewer.toolbar.label')}>
      <Space size={6}>
        <span id={`${ids}-speed`}>{t('ecgViewer.toolbar.speed')}</span>
        <Segmented<Speed>
          aria-label={t('ecgViewer.toolbar.speed')}
          name={`${ids}-speed`}
          value={speed}
          onChange={onSpeed}
          options={SPEEDS.map((v) => ({
            value: v,
            label: t('ecgViewer.toolbar.speedValue', { value: v }),
          }))}
          data-testid="ecg-speed"
        />
      </Space>
      <Space size={6}>
        <span id={`${ids}-gain`}>{t('ecgViewer.toolbar.gain')}</span>
        <Segmented<Gain>
          aria-label={t('ecgViewer.toolbar.gain')}
          name={`${ids}-gain`}
          value={gain}
          onChange={onGain}
          options={GAINS.map((v) => ({ value: v, label: t('ecgViewer.toolbar.gainValue', { value: v }) }))}
          data-testid="ecg-gain"
        />
      </Space>
      <Space.Compact>
        <Tooltip title={t('ecgViewer.toolbar.zoomOut')}>
          <Button
            icon={<ZoomOutOutlined aria-hidden />}
            aria-label={t('ecgViewer.toolbar.zoomOut')}
            disabled={zoom <= ZOOMS[0]}
            onClick={() => onZoom((z) => stepZoom(z, -1))}
          />
        </Tooltip>
        <Button
          aria-label={`${percent}% ${t('ecgViewer.toolbar.zoomReset')}`}
          onClick={() => onZoom(() => 1)}
        >
          {percent}%
        </Button>
        <Tooltip title={t('ecgViewer.toolbar.zoomIn')}>
          <Button
            icon={<ZoomInOutlined aria-hidden />}
            aria-label={t('ecgViewer.toolbar.zoomIn')}
            disabled={zoom >= ZOOMS[ZOOMS.length - 1]}
            onClick={() => onZoom((z) => stepZoom(z, 1))}
            data-testid="ecg-zoom-in"
          />
        </Tooltip>
      </Space.Compact>
      <Space size={6}>
        <label htmlFor={`${ids}-rhythm-lead`}>{t('ecgViewer.toolbar.rhythmLead')}</label>
        <Select<number>
          id={`${ids}-rhythm-lead`}
          className="ecg-viewer__lead-select"
          value={rhythmLead >= 0 ? rhythmLead : undefined}
          onChange={onRhythmLead}
          disabled={leadNames.length === 0}
          options={leadNames.map((name, i) => ({ value: i, label: name }))}
          data-testid="ecg-rhythm-lead"
        />
      </Space>
      <Space size={6}>
        <span id={`${ids}-mode`}>{t('ecgViewer.toolbar.mode')}</span>
        <Segmented<Mode>
          aria-label={t('ecgViewer.toolbar.mode')}
          name={`${ids}-mode`}
          value={mode}
          onChange={onMode}
          options={(['pan', 'caliper', 'pr', 'qrs', 'qt', 'rr'] as const).map((m) => ({
            value: m,
            label: t(`ecgViewer.modes.${m}`),
          }))}
          data-testid="ecg-mode"
        />
      </Space>
    </div>
  );
}
