import { CheckCircleOutlined, CloseCircleOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { BarCheck, PilotStatus, VisitStatus, VisitType } from '../../../shared/visits.js';

const VISIT_STATUS_COLOR: Record<VisitStatus, string> = {
  requested: 'warning',
  paid: 'processing',
  waiting: 'processing',
  in_progress: 'blue',
  completed: 'success',
  cancelled: 'default',
  expired: 'default',
  referred_offline: 'orange',
};

const VISIT_TYPE_COLOR: Record<VisitType, string> = {
  consultation: 'cyan',
  follow_up: 'geekblue',
  first_visit: 'purple',
  nursing_consultation: 'magenta',
};

const PILOT_STATUS_COLOR: Record<PilotStatus, string> = {
  active: 'success',
  not_started: 'processing',
  ended: 'default',
  revoked: 'error',
};

export function VisitStatusTag({ status }: { status: VisitStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={VISIT_STATUS_COLOR[status]} data-testid="visit-status">
      {t(`supervision.visitStatus.${status}`)}
    </Tag>
  );
}

export function VisitTypeTag({ type }: { type: VisitType }) {
  const { t } = useTranslation();
  return (
    <Tag color={VISIT_TYPE_COLOR[type]} variant="filled">
      {t(`supervision.visitType.${type}`)}
    </Tag>
  );
}

export function PilotStatusTag({ status }: { status: PilotStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={PILOT_STATUS_COLOR[status]} data-testid="pilot-status">
      {t(`supervision.pilot.statusLabel.${status}`)}
    </Tag>
  );
}

/** One condition of the first-visit bar: green when met, red when not. */
export function BarCheckTag({ check }: { check: BarCheck }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={check.met ? 'success' : 'error'}
      icon={check.met ? <CheckCircleOutlined aria-hidden /> : <CloseCircleOutlined aria-hidden />}
      data-testid={`bar-${check.condition}`}
      data-met={check.met}
    >
      {t(`supervision.whitelist.condition.${check.condition}`)}
    </Tag>
  );
}
