import { RobotOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, InputNumber, Space, Tag, Typography } from 'antd';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EcgMeasurements } from '../../../../shared/remote.js';
import { rrStats } from './calipers.js';

/** What the doctor did with the heart rate: took the suggestion, typed another, or a saved draft's. */
export type HeartRateDecision = { kind: 'accepted' | 'corrected' | 'saved'; value: number } | null;

/**
 * The automatic measurements (AI 辅助, seeds 002/004), labelled as suggestions: the heart rate is only
 * taken when the doctor presses 确认 or enters a correction — never by default (REMOTE-5).
 */
export function EcgSuggestions({
  measurements,
  decision,
  onDecide,
}: {
  measurements: EcgMeasurements | undefined;
  decision: HeartRateDecision;
  onDecide(decision: HeartRateDecision): void;
}) {
  const { t, i18n } = useTranslation();
  const [correcting, setCorrecting] = useState(false);
  const [corrected, setCorrected] = useState<number | null>(null);
  const inputId = useId();
  const suggested = measurements?.heartRate != null ? Math.round(measurements.heartRate) : null;
  const stats = measurements ? rrStats(measurements.rrMs) : null;
  const hint = measurements
    ? i18n.language === 'en-US'
      ? measurements.rhythmHintEn
      : measurements.rhythmHint
    : '';
  const none = t('ecgViewer.suggestions.none');
  const round = (v: number) => String(Math.round(v));

  const startCorrecting = () => {
    setCorrected(decision?.value ?? suggested);
    setCorrecting(true);
  };

  return (
    <Card
      size="small"
      className="ecg-viewer__card"
      data-testid="ecg-suggestions"
      title={
        <Space size={6}>
          {t('ecgViewer.suggestions.title')}
          <Tag color="blue" icon={<RobotOutlined aria-hidden />}>
            {t('ecgViewer.suggestions.badge')}
          </Tag>
        </Space>
      }
    >
      <Alert type="info" showIcon className="ecg-viewer__notice" title={t('ecgViewer.suggestions.notice')} />
      {measurements ? (
        <Descriptions
          size="small"
          column={1}
          items={[
            {
              key: 'hr',
              label: t('ecgViewer.suggestions.heartRate'),
              children: (
                <span data-testid="ecg-suggested-hr">
                  {suggested === null ? none : t('ecgViewer.suggestions.bpm', { value: suggested })}
                </span>
              ),
            },
            {
              key: 'rr',
              label: t('ecgViewer.suggestions.rr'),
              children: stats
                ? t('ecgViewer.suggestions.rrValue', {
                    mean: round(stats.meanMs),
                    min: round(stats.minMs),
                    max: round(stats.maxMs),
                    sd: round(stats.sdMs),
                  })
                : none,
            },
            {
              key: 'beats',
              label: t('ecgViewer.suggestions.beats'),
              children: t('ecgViewer.suggestions.beatsValue', { count: measurements.beats.length }),
            },
            { key: 'rhythm', label: t('ecgViewer.suggestions.rhythm'), children: hint || none },
            {
              key: 'lead',
              label: t('ecgViewer.suggestions.leadUsed'),
              children: measurements.leadUsed || none,
            },
          ]}
        />
      ) : (
        <Typography.Text type="secondary">{t('ecgViewer.suggestions.unavailable')}</Typography.Text>
      )}

      {decision && !correcting ? (
        <Space wrap className="ecg-viewer__decision" data-testid="ecg-hr-decision">
          <Tag color={decision.kind === 'accepted' ? 'green' : 'gold'} className="ecg-viewer__decision-tag">
            {decision.kind === 'accepted'
              ? t('ecgViewer.suggestions.accepted', { value: decision.value })
              : decision.kind === 'corrected'
                ? t('ecgViewer.suggestions.corrected', {
                    value: decision.value,
                    suggested: suggested ?? none,
                  })
                : t('ecgViewer.suggestions.saved', { value: decision.value })}
          </Tag>
          <Button size="small" onClick={() => onDecide(null)}>
            {t('ecgViewer.suggestions.redo')}
          </Button>
        </Space>
      ) : correcting ? (
        <Space wrap className="ecg-viewer__decision">
          <label htmlFor={inputId}>{t('ecgViewer.suggestions.correctedRate')}</label>
          <InputNumber
            id={inputId}
            min={1}
            max={400}
            precision={0}
            value={corrected}
            onChange={(v) => setCorrected(v)}
            data-testid="ecg-corrected-hr"
          />
          <Button
            type="primary"
            disabled={corrected === null || corrected <= 0}
            onClick={() => {
              if (corrected === null) return;
              onDecide({ kind: corrected === suggested ? 'accepted' : 'corrected', value: corrected });
              setCorrecting(false);
            }}
            data-testid="ecg-apply-hr"
          >
            {t('ecgViewer.suggestions.apply')}
          </Button>
          <Button onClick={() => setCorrecting(false)}>{t('ecgViewer.suggestions.cancel')}</Button>
        </Space>
      ) : (
        <Space wrap className="ecg-viewer__decision">
          <Button
            type="primary"
            // antd spaces two CJK characters out (确 认), which the name 确认建议心率… would no longer contain.
            autoInsertSpace={false}
            disabled={suggested === null}
            aria-label={
              suggested === null ? undefined : t('ecgViewer.suggestions.acceptLabel', { value: suggested })
            }
            onClick={() => suggested !== null && onDecide({ kind: 'accepted', value: suggested })}
            data-testid="ecg-accept-hr"
          >
            {t('ecgViewer.suggestions.accept')}
          </Button>
          <Button onClick={startCorrecting} data-testid="ecg-correct-hr">
            {t('ecgViewer.suggestions.correct')}
          </Button>
        </Space>
      )}
    </Card>
  );
}
