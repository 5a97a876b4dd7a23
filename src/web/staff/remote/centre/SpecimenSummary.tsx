import { Alert, Tag, Timeline } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { SpecimenView } from '../../../../shared/remote.js';
import { formatDateTime } from '../../../format.js';
import { stepLabel } from './parts.js';

/** A specimen: barcode, container, panels, status, and its custody timeline (shared with reception). */
export function SpecimenSummary({ specimen: s }: { specimen: SpecimenView }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="rc-specimen">
      <div className="rc-specimen__head">
        <span className="rc-mono" data-testid="specimen-barcode">
          {t('remoteCentre.lab.barcode')} {s.barcode}
        </span>
        <Tag color={s.status === 'rejected' ? 'error' : 'blue'} data-testid="specimen-status">
          {stepLabel(t, s.status)}
        </Tag>
        {s.redrawOf && <Tag color="warning">{t('remoteCentre.lab.redrawOf')}</Tag>}
        <span className="rc-sub">
          {t('remoteCentre.lab.container')}：{s.container} · {t('remoteCentre.lab.panels')}：
          {s.panels.join('、')}
        </span>
      </div>
      {s.status === 'rejected' && (
        <Alert
          type="error"
          showIcon
          className="rc-alert"
          title={t('remoteCentre.lab.rejected', { reason: rejectText(t, s.rejectReason) })}
        />
      )}
      <Timeline
        className="rc-timeline"
        items={s.events.map((e, i) => ({
          key: `${e.step}-${i}`,
          color: e.step === 'rejected' ? 'red' : 'blue',
          content: (
            <span data-testid="specimen-event" data-step={e.step}>
              <strong>{stepLabel(t, e.step)}</strong> {formatDateTime(e.at, i18n.language)}
              <span className="rc-sub">
                {t('remoteCentre.specimen.eventLine', { institution: e.institutionName, by: e.by })}
                {e.reason ? ` · ${rejectText(t, e.reason)}` : ''}
              </span>
            </span>
          ),
        }))}
      />
    </div>
  );
}

const REJECT_REASONS = [
  'haemolysed',
  'insufficient',
  'clotted',
  'wrong_container',
  'unlabelled',
  'delayed',
] as const;

/** A rejection reason code in words (or the text as it came when it is not one of ours). */
export function rejectText(t: TFunction, reason: string | null): string {
  if (!reason) return '—';
  const known = REJECT_REASONS.find((r) => r === reason);
  return known ? t(`remoteCentre.rejectReason.${known}`) : reason;
}
