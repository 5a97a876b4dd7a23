import { ArrowLeftOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Input, Modal, Space, Spin, Steps, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import type { CriticalAlertView, DiagnosticRequestDetail } from '../../../shared/remote.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading, Section } from '../records/captioned.js';
import { CriticalAlertsBanner } from './CriticalAlertsBanner.js';
import { MaterialSection } from './MaterialSection.js';
import {
  CriticalTag,
  dateTime,
  durationText,
  itemText,
  minutesBetween,
  OverdueTag,
  StatusTag,
  sexAgeText,
  UrgencyTag,
} from './parts.js';
import { ReportSection } from './ReportSection.js';
import { usePanelNames } from './RequestListPage.js';

/** Cancelling is the requester's until the centre claims the request. */
const CANCELLABLE = ['requested', 'ready', 'redraw'];
const ORDER = ['requested', 'ready', 'claimed', 'reported', 'signed'] as const;

/** 进度: requested → material arrived → claimed → reported → signed, with times and the turnaround. */
function Timeline({ request }: { request: DiagnosticRequestDetail }) {
  const { t } = useTranslation();
  const reached = request.status === 'redraw' ? 0 : ORDER.indexOf(request.status as (typeof ORDER)[number]);
  const at = (iso: string | null) => (iso ? dateTime(iso) : undefined);
  const targetMinutes =
    request.materialAt && request.targetAt ? minutesBetween(request.materialAt, request.targetAt) : null;

  let clock: React.ReactNode = null;
  if (request.materialAt && request.signedAt) {
    clock = (
      <Space wrap>
        <span data-testid="remote-turnaround">
          {t('remoteRequests.detail.turnaround', {
            duration: durationText(minutesBetween(request.materialAt, request.signedAt), t),
          })}
        </span>
        {request.overdue ? (
          <OverdueTag />
        ) : (
          <span className="rr-ok">{t('remoteRequests.detail.onTarget')}</span>
        )}
      </Space>
    );
  } else if (request.waitingMinutes !== null && request.status !== 'cancelled') {
    clock = (
      <Space wrap>
        <span>
          {t('remoteRequests.detail.waiting', { duration: durationText(request.waitingMinutes, t) })}
        </span>
        {request.overdue && <OverdueTag />}
      </Space>
    );
  }

  const items = [
    { title: t('remoteRequests.detail.requested'), content: at(request.createdAt) },
    {
      title: t('remoteRequests.detail.materialArrived'),
      content: request.materialAt
        ? [
            at(request.materialAt),
            request.targetAt &&
              t('remoteRequests.detail.target', { time: dateTime(request.targetAt) }) +
                (targetMinutes !== null ? `（${durationText(targetMinutes, t)}）` : ''),
          ]
            .filter(Boolean)
            .join(' · ')
        : undefined,
    },
    {
      title: request.claimedBy
        ? t('remoteRequests.detail.claimedBy', { name: request.claimedBy.name })
        : t('remoteRequests.detail.claimed'),
      content: at(request.claimedAt),
    },
    { title: t('remoteRequests.detail.reported'), content: undefined },
    { title: t('remoteRequests.detail.signedStep'), content: at(request.signedAt) },
  ].map((item, index) => ({
    ...item,
    status:
      request.status === 'cancelled'
        ? index === 0
          ? ('finish' as const)
          : ('wait' as const)
        : index <= reached
          ? ('finish' as const)
          : index === reached + 1
            ? ('process' as const)
            : ('wait' as const),
  }));

  return (
    <>
      <Steps
        orientation="vertical"
        size="small"
        items={items}
        className="rr-timeline"
        data-testid="remote-timeline"
      />
      {clock && <div className="rr-clock">{clock}</div>}
    </>
  );
}

function CancelButton({ request, onDone }: { request: DiagnosticRequestDetail; onDone(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const valid = reason.trim().length >= 2;

  async function cancel() {
    if (!valid) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await post(`/diagnostic-requests/${request.id}/cancel`, { reason: reason.trim() });
      message.success(t('remoteRequests.detail.cancelled', { reason: reason.trim() }));
      setOpen(false);
      onDone();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        danger
        icon={<StopOutlined aria-hidden />}
        onClick={() => setOpen(true)}
        data-testid="remote-cancel"
      >
        {t('remoteRequests.detail.cancel')}
      </Button>
      <Modal
        open={open}
        title={t('remoteRequests.detail.cancelTitle')}
        okText={t('remoteRequests.detail.cancelConfirm')}
        cancelText={t('remoteRequests.detail.cancelBack')}
        okButtonProps={{ danger: true, disabled: !valid, loading: busy }}
        onOk={() => void cancel()}
        onCancel={() => setOpen(false)}
      >
        <label htmlFor="rr-cancel-reason" className="rr-label">
          {t('remoteRequests.detail.cancelReason')}
        </label>
        <Input.TextArea
          id="rr-cancel-reason"
          rows={3}
          maxLength={200}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          placeholder={t('remoteRequests.detail.cancelReasonPlaceholder')}
          status={reason && !valid ? 'error' : undefined}
        />
        {reason && !valid && (
          <div className="rr-warning">{t('remoteRequests.detail.cancelReasonRequired')}</div>
        )}
        {failure !== undefined && (
          <Alert type="error" showIcon className="rr-page-alert" title={errorText(failure, t)} />
        )}
      </Modal>
    </>
  );
}

/**
 * Who acknowledged the request's critical value: in the request itself where the server says so, else
 * looked up among the institution's acknowledged alerts (asked only when an acknowledged alert lacks it).
 */
function useAcknowledger(alert: DiagnosticRequestDetail['criticalAlert']): string | null {
  const missing = alert?.acknowledgedAt && !alert.acknowledgedByName;
  const alerts = useApiData<Page<CriticalAlertView>>(
    missing ? '/critical-alerts?status=acknowledged&limit=100' : null,
  );
  if (!missing) return null;
  return alerts.data?.items.find((a) => a.id === alert.id)?.acknowledgedByName ?? null;
}

/** One request: who, what and why, its progress, the material to send, and the signed report to print. */
export function RequestDetailPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const detail = useApiData<DiagnosticRequestDetail>(`/diagnostic-requests/${encodeURIComponent(id)}`);
  const panelNames = usePanelNames();
  const request = detail.data?.id === id ? detail.data : undefined;
  const acknowledger = useAcknowledger(request?.criticalAlert ?? null);

  const back = (
    <Button type="text" icon={<ArrowLeftOutlined aria-hidden />} onClick={() => navigate('..')}>
      {t('remoteRequests.common.back')}
    </Button>
  );

  if (!request) {
    return (
      <div className="staff-page rr-page" data-testid="remote-request-detail">
        {back}
        {detail.error !== undefined ? (
          <Alert type="error" showIcon title={errorText(detail.error, t)} />
        ) : (
          <Spin className="staff-page__spin" />
        )}
      </div>
    );
  }

  const alert = request.criticalAlert;
  const acknowledgedBy = alert?.acknowledgedByName ?? acknowledger;
  const consent = request.consent;
  const consentText = [
    consent.by === 'guardian'
      ? t('remoteRequests.detail.consentGuardian', {
          name: consent.guardianName ?? '',
          relation: consent.guardianRelation ?? '',
        })
      : t('remoteRequests.detail.consentPatient'),
    consent.method === 'written'
      ? t('remoteRequests.detail.consentWritten')
      : t('remoteRequests.detail.consentElectronic'),
    t('remoteRequests.detail.consentAt', { time: dateTime(consent.recordedAt) }),
  ].join(' · ');

  return (
    <div
      className="staff-page rr-page"
      data-testid="remote-request-detail"
      data-id={request.id}
      data-status={request.status}
    >
      {back}
      <CriticalAlertsBanner onAcknowledged={detail.reload} linkBase="../" />
      <Card
        variant="borderless"
        title={
          <CardHeading>
            {t('remoteRequests.detail.title')} {request.accessionNo}
          </CardHeading>
        }
        extra={
          <Space wrap>
            <Button icon={<ReloadOutlined aria-hidden />} onClick={detail.reload} autoInsertSpace={false}>
              {t('remoteRequests.common.refresh')}
            </Button>
            {CANCELLABLE.includes(request.status) && (
              <CancelButton request={request} onDone={detail.reload} />
            )}
          </Space>
        }
      >
        {alert && (
          <Alert
            type={alert.acknowledgedAt ? 'info' : 'error'}
            showIcon
            className="rr-page-alert"
            data-testid="remote-critical-status"
            title={
              alert.acknowledgedAt
                ? acknowledgedBy
                  ? t('remoteRequests.detail.criticalAcknowledged', {
                      name: acknowledgedBy,
                      time: dateTime(alert.acknowledgedAt),
                      reason: alert.reason,
                    })
                  : t('remoteRequests.detail.criticalAcknowledgedNoName', {
                      time: dateTime(alert.acknowledgedAt),
                      reason: alert.reason,
                    })
                : t('remoteRequests.detail.criticalOpen', { reason: alert.reason })
            }
          />
        )}
        {request.status === 'cancelled' && (
          <Alert
            type="warning"
            showIcon
            className="rr-page-alert"
            title={t('remoteRequests.detail.cancelled', { reason: request.cancelReason ?? '' })}
          />
        )}
        <div className="rr-detail">
          <Descriptions
            className="rr-detail__facts"
            column={{ xs: 1, lg: 2 }}
            bordered
            size="small"
            items={[
              {
                key: 'patient',
                label: t('remoteRequests.detail.patient'),
                children: (
                  <span data-testid="remote-detail-patient">
                    <strong>{request.patient.name}</strong> {sexAgeText(request.patient, t)}
                  </span>
                ),
              },
              {
                key: 'status',
                label: t('remoteRequests.detail.status'),
                children: (
                  <span className="rr-tags">
                    <StatusTag status={request.status} />
                    {alert && <CriticalTag />}
                  </span>
                ),
              },
              {
                key: 'item',
                label: t('remoteRequests.detail.item'),
                children: itemText(request, t, panelNames),
              },
              {
                key: 'urgency',
                label: t('remoteRequests.detail.urgency'),
                children: <UrgencyTag urgency={request.urgency} />,
              },
              { key: 'centre', label: t('remoteRequests.detail.centre'), children: request.centre.name },
              {
                key: 'requester',
                label: t('remoteRequests.detail.requester'),
                children: `${request.requester.institutionName} · ${request.requester.practitionerName}`,
              },
              {
                key: 'question',
                label: t('remoteRequests.detail.question'),
                span: 'filled',
                children: <span className="rr-pre">{request.question}</span>,
              },
              ...(request.history
                ? [
                    {
                      key: 'history',
                      label: t('remoteRequests.detail.history'),
                      span: 'filled' as const,
                      children: <span className="rr-pre">{request.history}</span>,
                    },
                  ]
                : []),
              {
                key: 'consent',
                label: t('remoteRequests.detail.consent'),
                span: 'filled',
                children: consentText,
              },
            ]}
          />
          <Section title={t('remoteRequests.detail.timeline')} className="rr-detail__timeline">
            <Timeline request={request} />
          </Section>
        </div>
      </Card>

      <Card
        variant="borderless"
        title={<CardHeading level={3}>{t('remoteRequests.detail.material')}</CardHeading>}
      >
        {request.status !== 'cancelled' ||
        request.ecg.length + request.studies.length + request.specimens.length > 0 ? (
          <MaterialSection request={request} reload={detail.reload} panelNames={panelNames} />
        ) : (
          <Typography.Paragraph type="secondary">
            {t('remoteRequests.detail.materialClosed')}
          </Typography.Paragraph>
        )}
      </Card>

      <Card
        variant="borderless"
        title={<CardHeading level={3}>{t('remoteRequests.report.title')}</CardHeading>}
      >
        <ReportSection report={request.report} accessionNo={request.accessionNo} panelNames={panelNames} />
      </Card>
    </div>
  );
}
