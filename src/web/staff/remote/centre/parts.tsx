import { AlertFilled, ClockCircleOutlined, ThunderboltFilled } from '@ant-design/icons';
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type {
  DiagnosticRequestView,
  LabPanel,
  RequestStatus,
  SpecimenStep,
  Urgency,
} from '../../../../shared/remote.js';
import { useApiData } from '../../../components/useApiData.js';
import { formatShortDate, formatTime, shanghaiDate } from '../../../format.js';
import { isOverdue, minutesLeft, waitingMinutes } from './reading.js';

/** 12 分钟 / 2 小时 5 分钟. */
export function duration(t: TFunction, minutes: number): string {
  if (minutes < 60) return t('remoteCentre.minutes', { count: minutes });
  return t('remoteCentre.hours', { count: Math.floor(minutes / 60), minutes: minutes % 60 });
}

/**
 * 急诊 in red with an icon, 常规 plain: said in words, never by colour alone. The theme's error red (not
 * antd's preset red, #f5222d: 4.07:1 under white text, axe color-contrast) keeps the solid tag legible.
 */
export function UrgencyTag({ urgency }: { urgency: Urgency }) {
  const { t } = useTranslation();
  return urgency === 'urgent' ? (
    <Tag color="error" variant="solid" icon={<ThunderboltFilled aria-hidden />} data-testid="urgency-urgent">
      {t('remoteCentre.urgency.urgent')}
    </Tag>
  ) : (
    <Tag data-testid="urgency-routine">{t('remoteCentre.urgency.routine')}</Tag>
  );
}

const STATUS_COLOURS: Partial<Record<RequestStatus, string>> = {
  ready: 'blue',
  claimed: 'processing',
  reported: 'gold',
  signed: 'success',
  cancelled: 'default',
  redraw: 'warning',
};

export function StatusTag({ status }: { status: RequestStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOURS[status]} data-testid="request-status" data-status={status}>
      {t(`remoteCentre.status.${status}`)}
    </Tag>
  );
}

export function CriticalTag() {
  const { t } = useTranslation();
  return (
    <Tag color="error" variant="solid" icon={<AlertFilled aria-hidden />} data-testid="critical-tag">
      {t('remoteCentre.queue.critical')}
    </Tag>
  );
}

export function OverdueTag() {
  const { t } = useTranslation();
  return (
    <Tag color="error" icon={<ClockCircleOutlined aria-hidden />} data-testid="overdue-tag">
      {t('remoteCentre.queue.overdue')}
    </Tag>
  );
}

/** 男 / 56岁, or whatever of the two is known. */
export function sexAge(t: TFunction, p: DiagnosticRequestView['patient']): string {
  const sex = p.sex ? t(`patient.sex.${p.sex}`) : null;
  if (sex && p.age !== null) return t('remoteCentre.sexAge', { sex, age: p.age });
  if (p.age !== null) return t('recordsStaff.archive.ageValue', { age: p.age });
  return sex ?? '—';
}

/** The lab panels (GET /lab-panels), loaded only when asked for. */
export function usePanels(needed: boolean) {
  const list = useApiData<{ items: LabPanel[] }>(needed ? '/lab-panels' : null);
  return list;
}

/** A panel's name in the UI language (the code until the list has loaded, or if unknown). */
export function panelName(panels: readonly LabPanel[] | undefined, code: string, lang: string): string {
  const panel = panels?.find((p) => p.code === code);
  if (!panel) return code;
  return lang === 'en-US' ? panel.nameEn : panel.name;
}

/** 心电 · 心电图, 影像 · CT, 检验 · 血常规、肝功能. */
export function kindText(
  t: TFunction,
  r: Pick<DiagnosticRequestView, 'kind' | 'modality' | 'panels'>,
  panels: readonly LabPanel[] | undefined,
  lang: string,
): string {
  const kind = t(`remoteCentre.kind.${r.kind}`);
  if (r.kind === 'lab') {
    const names = r.panels.map((c) => panelName(panels, c, lang));
    return names.length > 0 ? `${kind} · ${names.join(lang === 'en-US' ? ', ' : '、')}` : kind;
  }
  return r.modality ? `${kind} · ${t(`remoteCentre.modality.${r.modality}`)}` : kind;
}

/** Waiting time (live while unsigned) and the target, with 已超时 or what is left. */
export function WaitingCell({ r, now }: { r: DiagnosticRequestView; now: Date }) {
  const { t } = useTranslation();
  const minutes = waitingMinutes(r, now);
  const overdue = isOverdue(r, now);
  const left = minutesLeft(r, now);
  return (
    <div data-testid="waiting">
      <span className={overdue ? 'rc-waiting rc-waiting--overdue' : 'rc-waiting'}>
        {minutes === null ? '—' : duration(t, minutes)}
      </span>
      {overdue && <OverdueTag />}
      {r.targetAt && (
        <div className="rc-sub">
          {t('remoteCentre.queue.target', { time: targetTime(r.targetAt) })}
          {left !== null && ` · ${t('remoteCentre.queue.left', { time: duration(t, left) })}`}
        </div>
      )}
    </div>
  );
}

/** The target as a Shanghai wall-clock time, with the date when it is not today. */
export function targetTime(iso: string): string {
  const day = shanghaiDate(iso);
  return day === shanghaiDate() ? formatTime(iso) : `${formatShortDate(day)} ${formatTime(iso)}`;
}

export const stepLabel = (t: TFunction, step: SpecimenStep) => t(`remoteCentre.step.${step}`);
