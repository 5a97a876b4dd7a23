import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { VisitChannel, VisitStatus, VisitType, VisitView } from '../../../shared/visits.js';

const STATUS_COLOR: Record<VisitStatus, string> = {
  requested: 'default',
  paid: 'default',
  waiting: 'warning',
  in_progress: 'processing',
  completed: 'success',
  cancelled: 'default',
  expired: 'default',
  referred_offline: 'purple',
};

const TYPE_COLOR: Record<VisitType, string> = {
  follow_up: 'cyan',
  consultation: 'blue',
  first_visit: 'magenta',
  nursing_consultation: 'green',
};

export function VisitStatusTag({ status }: { status: VisitStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="visit-status">
      {t(`workstation.status.${status}`)}
    </Tag>
  );
}

export function VisitTypeTag({ type }: { type: VisitType }) {
  const { t } = useTranslation();
  return (
    <Tag color={TYPE_COLOR[type]} variant="filled" data-testid="visit-type">
      {t(`workstation.type.${type}`)}
    </Tag>
  );
}

export function ChannelTag({ channel }: { channel: VisitChannel }) {
  const { t } = useTranslation();
  return (
    <Tag color={channel === 'video' ? 'geekblue' : 'default'} variant="outlined">
      {t(`workstation.channel.${channel}`)}
    </Tag>
  );
}

/** ID-6, PILOT-3: whether a minor's guardian has confirmed being there. */
export function GuardianTag({ visit }: { visit: VisitView }) {
  const { t } = useTranslation();
  if (!visit.guardianRequired)
    return <span className="visit-muted">{t('workstation.guardian.notRequired')}</span>;
  return visit.guardianConfirmedAt ? (
    <Tag color="success" data-testid="guardian-state">
      {t('workstation.guardian.confirmed')}
    </Tag>
  ) : (
    <Tag color="warning" data-testid="guardian-state">
      {t('workstation.guardian.pending')}
    </Tag>
  );
}

/** 男 · 56 岁 */
export function sexAge(visit: VisitView, t: TFunction): string {
  return t('workstation.sexAge', { sex: t(`workstation.sex.${visit.patientSex}`), age: visit.patientAge });
}
