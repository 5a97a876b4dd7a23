import { AlertOutlined, ClockCircleOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { DiagnosticRequestView, RequestStatus, SpecimenStep, Urgency } from '../../../shared/remote.js';
import { upload } from '../../api.js';
import { formatInstant } from '../supervision/format.js';

/** An instant as the requesting side reads it, to the minute in Shanghai: 2026-11-24 09:03. */
export const dateTime = (iso: string) => formatInstant(iso).slice(0, 16);

/** A duration in minutes as 45 分钟 / 2 小时 5 分钟 / 1 天 3 小时. */
export function durationText(minutes: number, t: TFunction): string {
  const whole = Math.max(0, Math.round(minutes));
  if (whole < 60) return t('remoteRequests.common.minutes', { count: whole });
  if (whole < 24 * 60)
    return t('remoteRequests.common.hoursMinutes', { hours: Math.floor(whole / 60), minutes: whole % 60 });
  return t('remoteRequests.common.days', {
    days: Math.floor(whole / 1440),
    hours: Math.floor((whole % 1440) / 60),
  });
}

/** Minutes between two instants. */
export const minutesBetween = (from: string, to: string) =>
  (new Date(to).getTime() - new Date(from).getTime()) / 60_000;

/** 男 / 女 / 未知, and 56 岁 when known. */
export function sexAgeText(
  patient: { sex: 'male' | 'female' | null; age: number | null },
  t: TFunction,
): string {
  return [
    patient.sex ? t(`remoteRequests.common.${patient.sex}`) : t('remoteRequests.common.unknown'),
    patient.age === null ? null : t('remoteRequests.common.ageValue', { age: patient.age }),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** What was asked for: 心电 · 心电图, 影像 · CT, 检验 · 血常规、电解质 (panel codes as the centre names them). */
export function itemText(
  request: Pick<DiagnosticRequestView, 'kind' | 'modality' | 'panels'>,
  t: TFunction,
  panelNames: ReadonlyMap<string, string> = new Map(),
): string {
  const kind = t(`remoteRequests.kind.${request.kind}`);
  if (request.kind === 'lab') {
    const panels = request.panels
      .map((code) => panelNames.get(code) ?? code)
      .join(t('remoteRequests.label.separator'));
    return panels ? `${kind} · ${panels}` : kind;
  }
  return request.modality ? `${kind} · ${t(`remoteRequests.modality.${request.modality}`)}` : kind;
}

const STATUS_COLOR: Record<RequestStatus, string> = {
  requested: 'default',
  ready: 'processing',
  claimed: 'blue',
  reported: 'geekblue',
  signed: 'success',
  cancelled: 'default',
  redraw: 'warning',
};

export function StatusTag({ status }: { status: RequestStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="remote-status" data-status={status}>
      {t(`remoteRequests.status.${status}`)}
    </Tag>
  );
}

export function UrgencyTag({ urgency }: { urgency: Urgency }) {
  const { t } = useTranslation();
  return (
    <Tag color={urgency === 'urgent' ? 'volcano' : 'default'} data-testid="remote-urgency">
      {t(`remoteRequests.urgency.${urgency}`)}
    </Tag>
  );
}

export function CriticalTag() {
  const { t } = useTranslation();
  return (
    <Tag color="red" icon={<AlertOutlined aria-hidden />} data-testid="remote-critical">
      {t('remoteRequests.list.critical')}
    </Tag>
  );
}

export function OverdueTag() {
  const { t } = useTranslation();
  return (
    <Tag color="orange" icon={<ClockCircleOutlined aria-hidden />} data-testid="remote-overdue">
      {t('remoteRequests.list.overdue')}
    </Tag>
  );
}

const STEP_COLOR: Record<SpecimenStep, string> = {
  collected: 'default',
  packed: 'processing',
  picked_up: 'blue',
  received: 'cyan',
  tested: 'geekblue',
  reported: 'success',
  rejected: 'error',
};

export function StepTag({ step }: { step: SpecimenStep }) {
  const { t } = useTranslation();
  return (
    <Tag color={STEP_COLOR[step]} data-testid="specimen-status" data-step={step}>
      {t(`remoteRequests.step.${step}`)}
    </Tag>
  );
}

/**
 * POSTs files as multipart/form-data (the ECG and DICOM uploads): the browser encodes the form, and its
 * bytes go through api.ts like any upload, with the boundary in the content type.
 */
export async function uploadFiles<T>(path: string, files: readonly File[]): Promise<T> {
  const form = new FormData();
  for (const file of files) form.append('file', file, file.name);
  const encoded = new Response(form);
  const type = encoded.headers.get('content-type') ?? 'multipart/form-data';
  return upload<T>(path, await encoded.blob(), type);
}
