import { CheckCircleOutlined, CloseCircleOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { VisitStatus, VisitType } from '../../../shared/visits.js';
import type { BarCheck, PilotStatus } from './types.js';

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
      {t(`oversight.visitStatus.${status}`)}
    </Tag>
  );
}

export function VisitTypeTag({ type }: { type: VisitType }) {
  const { t } = useTranslation();
  return (
    <Tag color={VISIT_TYPE_COLOR[type]} variant="filled">
      {t(`oversight.visitType.${type}`)}
    </Tag>
  );
}

export function PilotStatusTag({ status }: { status: PilotStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={PILOT_STATUS_COLOR[status]} data-testid="pilot-status">
      {t(`oversight.pilot.statusLabel.${status}`)}
    </Tag>
  );
}

/** One condition of the first-visit bar: green when met, red when not; the measured value on hover. */
export function BarCheckTag({ check }: { check: BarCheck }) {
  const { t } = useTranslation();
  const tag = (
    <Tag
      color={check.met ? 'success' : 'error'}
      icon={check.met ? <CheckCircleOutlined /> : <CloseCircleOutlined />}
      data-testid={`bar-${check.condition}`}
      data-met={check.met}
    >
      {t(`oversight.whitelist.condition.${check.condition}`)}
    </Tag>
  );
  return check.detail ? <Tooltip title={check.detail}>{tag}</Tooltip> : tag;
}
