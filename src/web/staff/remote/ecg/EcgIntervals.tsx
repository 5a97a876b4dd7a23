import { Alert, Button, Card, Descriptions, Input, InputNumber, Space, Typography } from 'antd';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { NAMED_INTERVALS, type NamedInterval, type QtcResult } from './calipers.js';

export type IntervalValues = Record<NamedInterval, number | null>;

/**
 * PR, QRS, QT and RR — set by the named calipers or typed (the keyboard way to the same values) — the
 * QTc they give, the rhythm as the doctor reads it, and the one button that hands them over.
 */
export function EcgIntervals({
  values,
  onChange,
  qtc,
  heartRate,
  rhythm,
  onRhythm,
  rhythmHint,
  canConfirm,
  onConfirm,
  confirmed,
}: {
  values: IntervalValues;
  onChange(name: NamedInterval, value: number | null): void;
  qtc: QtcResult | null;
  heartRate: number | null;
  rhythm: string;
  onRhythm(rhythm: string): void;
  rhythmHint: string;
  canConfirm: boolean;
  /** Absent: the viewer only reads, no confirm button. */
  onConfirm?: () => void;
  confirmed: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const unit = t('ecgViewer.measurements.unit');
  const qtcText = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v)} ${unit}`);
  const rrSource =
    qtc === null
      ? t('ecgViewer.measurements.qtcMissing')
      : qtc.rrSource === 'caliper'
        ? t('ecgViewer.measurements.rrFromCaliper')
        : t('ecgViewer.measurements.rrFromHeartRate', {
            hr: heartRate === null ? '—' : Math.round(heartRate),
          });

  return (
    <Card size="small" className="ecg-viewer__card" title={t('ecgViewer.measurements.title')}>
      <Typography.Paragraph type="secondary" className="ecg-viewer__help">
        {t('ecgViewer.measurements.help')}
      </Typography.Paragraph>
      <div className="ecg-viewer__intervals">
        {NAMED_INTERVALS.map((name) => (
          <div key={name} className="ecg-viewer__interval">
            <label htmlFor={`${id}-${name}`}>{t(`ecgViewer.measurements.${name}`)}</label>
            <InputNumber
              id={`${id}-${name}`}
              min={0}
              max={name === 'rr' ? 3000 : name === 'qt' ? 2000 : 1000}
              precision={0}
              suffix={unit}
              value={values[name]}
              onChange={(v) => onChange(name, v)}
              data-testid={`ecg-${name}`}
            />
          </div>
        ))}
      </div>
      <Descriptions
        size="small"
        column={1}
        className="ecg-viewer__qtc"
        items={[
          {
            key: 'bazett',
            label: t('ecgViewer.measurements.qtcBazett'),
            children: <span data-testid="ecg-qtc">{qtcText(qtc?.bazettMs)}</span>,
          },
          {
            key: 'fridericia',
            label: t('ecgViewer.measurements.qtcFridericia'),
            children: qtcText(qtc?.fridericiaMs),
          },
        ]}
      />
      <Typography.Text type="secondary" className="ecg-viewer__help">
        {rrSource}
      </Typography.Text>
      <div className="ecg-viewer__rhythm">
        <label htmlFor={`${id}-rhythm`}>{t('ecgViewer.measurements.rhythm')}</label>
        <Space.Compact block>
          <Input
            id={`${id}-rhythm`}
            maxLength={100}
            value={rhythm}
            placeholder={t('ecgViewer.measurements.rhythmPlaceholder')}
            onChange={(e) => onRhythm(e.target.value)}
            data-testid="ecg-rhythm"
          />
          <Button disabled={!rhythmHint} onClick={() => onRhythm(rhythmHint)}>
            {t('ecgViewer.measurements.useHint')}
          </Button>
        </Space.Compact>
      </div>
      {onConfirm && (
        <Space orientation="vertical" className="ecg-viewer__confirm">
          {!canConfirm && (
            <Typography.Text type="warning" className="ecg-viewer__warning">
              {t('ecgViewer.measurements.needsHeartRate')}
            </Typography.Text>
          )}
          <Button type="primary" block disabled={!canConfirm} onClick={onConfirm} data-testid="ecg-confirm">
            {t('ecgViewer.measurements.confirm')}
          </Button>
          {confirmed && <Alert type="success" showIcon title={t('ecgViewer.measurements.confirmed')} />}
        </Space>
      )}
    </Card>
  );
}
