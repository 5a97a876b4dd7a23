import { ArrowLeftOutlined, CheckCircleOutlined, EditOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  List,
  Radio,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { lazy, type ReactNode, Suspense, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type {
  DiagnosticRequestDetail,
  EcgMeasurementsConfirmed,
  SpecimenView,
} from '../../../../shared/remote.js';
import { post } from '../../../api.js';
import { useMe } from '../../../auth.js';
import { useApiData } from '../../../components/useApiData.js';
import { useNow } from '../../../components/useNow.js';
import { describeError } from '../../../errors.js';
import { formatDateTime } from '../../../format.js';
import { LabResultsForm } from './LabResultsForm.js';
import {
  CriticalTag,
  duration,
  kindText,
  OverdueTag,
  StatusTag,
  sexAge,
  targetTime,
  UrgencyTag,
  usePanels,
} from './parts.js';
import { ReportEditor, type ReportFormValues, SignedReport } from './ReportEditor.js';
import {
  asEcgMeasurements,
  ecgParts,
  heartRateConfirmed,
  isOverdue,
  waitingMinutes,
  withLine,
} from './reading.js';
import { SpecimenSummary } from './SpecimenSummary.js';
import './centre.css';

// The viewers are large (canvas drawing, DICOM codecs): loaded with the reading page's material only.
const EcgViewer = lazy(() => import('../ecg/EcgViewer.js').then((m) => ({ default: m.EcgViewer })));
const DicomViewer = lazy(() => import('../imaging/DicomViewer.js').then((m) => ({ default: m.DicomViewer })));

/** One request in the centre (REMOTE-3, REMOTE-4): who asks what, the material in its viewer, the report. */
export function ReadingPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const detail = useApiData<DiagnosticRequestDetail>(`/diagnostic-requests/${encodeURIComponent(id)}`);

  const back = (
    <Button
      icon={<ArrowLeftOutlined aria-hidden />}
      onClick={() => navigate('..')}
      data-testid="reading-back"
    >
      {t('remoteCentre.reading.back')}
    </Button>
  );
  if (detail.error !== undefined && !detail.data) {
    const { title, detail: text } = describeError(detail.error, t);
    return (
      <div className="rc-page">
        <div className="rc-back">{back}</div>
        <Alert type="error" showIcon title={title} description={text} />
      </div>
    );
  }
  if (!detail.data) return <Spin className="rc-spin" description={t('remoteCentre.reading.loading')} />;
  return <ReadingBody key={detail.data.id} request={detail.data} reload={detail.reload} back={back} />;
}

function ReadingBody({
  request,
  reload,
  back,
}: {
  request: DiagnosticRequestDetail;
  reload(): void;
  back: ReactNode;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const [form] = Form.useForm<ReportFormValues>();
  const [measurements, setMeasurements] = useState<Record<string, unknown> | null>(
    request.report?.measurements ?? null,
  );
  const [claiming, setClaiming] = useState(false);
  const [claimError, setClaimError] = useState<unknown>();
  const lastLine = useRef<string | null>(null);

  const mine = request.claimedBy?.practitionerId === me.practitionerId;
  const editable = mine && (request.status === 'claimed' || request.status === 'reported');

  async function claim() {
    setClaiming(true);
    setClaimError(undefined);
    try {
      await post(`/diagnostic-requests/${request.id}/claim`);
      message.success(t('remoteCentre.queue.claimed'));
      reload();
    } catch (failure) {
      setClaimError(failure);
      reload();
    } finally {
      setClaiming(false);
    }
  }

  /** The confirmed ECG values go into the report's measurements and one line of the findings. */
  function onEcgConfirm(m: EcgMeasurementsConfirmed) {
    setMeasurements(m as Record<string, unknown>);
    const line = ecgLine(t, m);
    if (line) {
      const findings = String(form.getFieldValue('findings') ?? '');
      form.setFieldValue('findings', withLine(findings, line, lastLine.current));
      lastLine.current = line;
    }
    message.success(t('remoteCentre.ecg.confirmed'));
  }

  function onImagingInsert(mm: number[]) {
    const values = mm.map((v) => t('remoteCentre.imaging.measurementValue', { mm: v.toFixed(1) }));
    const line = t('remoteCentre.imaging.measuredLine', {
      values: values.join(t('remoteCentre.ecg.separator')),
    });
    const findings = String(form.getFieldValue('findings') ?? '');
    form.setFieldValue('findings', findings.trim() ? `${findings.trimEnd()}\n${line}` : line);
  }

  const claimProblem = claimError === undefined ? undefined : describeError(claimError, t);

  return (
    <div className="rc-page" data-testid="reading-page" data-status={request.status}>
      <div className="rc-back">{back}</div>
      <RequestHeader
        request={request}
        actions={
          request.status === 'ready' ? (
            <Button type="primary" loading={claiming} onClick={claim} data-testid="reading-claim">
              {t('remoteCentre.reading.claim')}
            </Button>
          ) : null
        }
      />
      {claimProblem && (
        <Alert
          type="error"
          showIcon
          role="alert"
          className="rc-alert"
          title={claimProblem.title}
          description={claimProblem.detail}
        />
      )}
      {request.status === 'ready' && (
        <Alert type="info" showIcon className="rc-alert" title={t('remoteCentre.reading.claimHint')} />
      )}
      {request.claimedBy && !mine && request.status !== 'signed' && request.status !== 'cancelled' && (
        <Alert
          type="warning"
          showIcon
          className="rc-alert"
          title={t('remoteCentre.reading.claimedByOther', { name: request.claimedBy.name })}
        />
      )}
      {request.status === 'cancelled' && (
        <Alert
          type="warning"
          showIcon
          className="rc-alert"
          title={t('remoteCentre.reading.cancelled', { reason: request.cancelReason ?? '—' })}
        />
      )}
      {(request.status === 'requested' || request.status === 'redraw') && (
        <Alert type="info" showIcon className="rc-alert" title={t('remoteCentre.reading.notReady')} />
      )}

      <Card
        variant="borderless"
        className="rc-card"
        title={
          <Typography.Title level={3} className="rc-card-heading">
            {t('remoteCentre.reading.material')}
          </Typography.Title>
        }
      >
        {request.kind === 'ecg' && (
          <EcgMaterial
            request={request}
            initial={asEcgMeasurements(measurements)}
            onConfirm={editable ? onEcgConfirm : undefined}
          />
        )}
        {request.kind === 'imaging' && (
          <ImagingMaterial
            request={request}
            editable={editable}
            onMeasure={(m) => setMeasurements({ distances: m })}
            onInsert={onImagingInsert}
          />
        )}
        {request.kind === 'lab' && (
          <>
            <Specimens specimens={request.specimens} />
            <LabResultsForm request={request} editable={editable} onSaved={reload} />
          </>
        )}
      </Card>

      <Card
        variant="borderless"
        className="rc-card"
        title={
          <Typography.Title level={3} className="rc-card-heading">
            {t('remoteCentre.report.heading')}
          </Typography.Title>
        }
      >
        {request.status === 'signed' && request.report ? (
          <SignedReport request={request} />
        ) : editable ? (
          <>
            {request.kind === 'ecg' && !heartRateConfirmed(measurements) && (
              <Alert
                type="warning"
                showIcon
                className="rc-alert"
                title={t('remoteCentre.ecg.notConfirmed')}
                data-testid="ecg-not-confirmed"
              />
            )}
            <ReportEditor request={request} form={form} measurements={measurements} onChanged={reload} />
          </>
        ) : request.report ? (
          <SignedReport request={request} />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('remoteCentre.report.noReport')} />
        )}
      </Card>
    </div>
  );
}

/** 心率 72 次/分，PR 160 ms，QRS 90 ms，QT 380 ms，QTc 410 ms，节律：窦性心律。 */
function ecgLine(t: TFunction, m: EcgMeasurementsConfirmed): string {
  const parts = ecgParts(m).map((p) => t(`remoteCentre.ecg.${p.key}`, { value: p.value }));
  return parts.length > 0 ? `${parts.join(t('remoteCentre.ecg.separator'))}${t('remoteCentre.ecg.end')}` : '';
}

/** Who asks what: patient, requester, urgency, question, history, consent, the clock. */
function RequestHeader({ request: r, actions }: { request: DiagnosticRequestDetail; actions: ReactNode }) {
  const { t, i18n } = useTranslation();
  const now = useNow(r.status !== 'signed', 30_000);
  const panels = usePanels(r.kind === 'lab');
  const minutes = waitingMinutes(r, now);
  const consentBy =
    r.consent.by === 'patient'
      ? t('remoteCentre.reading.consentPatient')
      : t('remoteCentre.reading.consentGuardian', {
          name: r.consent.guardianName ?? '—',
          relation: r.consent.guardianRelation ?? '—',
        });
  const consentMethod = t(
    r.consent.method === 'written'
      ? 'remoteCentre.reading.consentWritten'
      : 'remoteCentre.reading.consentElectronic',
  );
  return (
    <Card variant="borderless" className="rc-card" data-testid="reading-header">
      <div className="rc-head">
        <div className="rc-head__title">
          <UrgencyTag urgency={r.urgency} />
          <Typography.Title level={2} className="rc-head__name" data-testid="reading-patient">
            {r.patient.name}
            <span className="rc-head__sub">{sexAge(t, r.patient)}</span>
          </Typography.Title>
          <StatusTag status={r.status} />
          {r.criticalAlert && <CriticalTag />}
        </div>
        <Space wrap>{actions}</Space>
      </div>
      <div className="rc-head__meta">
        <span className="rc-mono">{t('remoteCentre.reading.accession', { no: r.accessionNo })}</span>
        <span>{kindText(t, r, panels.data?.items, i18n.language)}</span>
        {minutes !== null && (
          <span>
            {t('remoteCentre.reading.waiting', { time: duration(t, minutes) })}
            {r.targetAt && ` · ${t('remoteCentre.reading.target', { time: targetTime(r.targetAt) })}`}
          </span>
        )}
        {isOverdue(r, now) && <OverdueTag />}
        {r.claimedBy && <span>{t('remoteCentre.reading.claimedBy', { name: r.claimedBy.name })}</span>}
      </div>
      {r.criticalAlert && (
        <Alert
          type="error"
          showIcon
          className="rc-alert"
          data-testid="critical-raised"
          title={`${t('remoteCentre.reading.criticalRaised', {
            time: formatDateTime(r.criticalAlert.raisedAt, i18n.language),
          })}${
            r.criticalAlert.acknowledgedAt
              ? t('remoteCentre.reading.criticalAcknowledged', {
                  time: formatDateTime(r.criticalAlert.acknowledgedAt, i18n.language),
                })
              : ''
          }`}
          description={r.criticalAlert.reason}
        />
      )}
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, md: 2 }}
        items={[
          {
            key: 'requester',
            label: t('remoteCentre.reading.requester'),
            children: t('remoteCentre.reading.requesterValue', {
              institution: r.requester.institutionName,
              doctor: r.requester.practitionerName,
            }),
          },
          {
            key: 'created',
            label: t('remoteCentre.reading.createdAt'),
            children: formatDateTime(r.createdAt, i18n.language),
          },
          {
            key: 'question',
            label: t('remoteCentre.reading.question'),
            span: 'filled',
            children: (
              <span className="rc-prewrap" data-testid="reading-question">
                {r.question}
              </span>
            ),
          },
          {
            key: 'history',
            label: t('remoteCentre.reading.history'),
            span: 'filled',
            children: r.history?.trim() ? (
              <span className="rc-prewrap">{r.history}</span>
            ) : (
              <Typography.Text type="secondary">{t('remoteCentre.reading.noHistory')}</Typography.Text>
            ),
          },
          {
            key: 'consent',
            label: t('remoteCentre.reading.consent'),
            span: 'filled',
            children: (
              <span data-testid="reading-consent">
                <CheckCircleOutlined aria-hidden className="rc-ok" />{' '}
                {t('remoteCentre.reading.consentValue', {
                  by: consentBy,
                  method: consentMethod,
                  time: formatDateTime(r.consent.recordedAt, i18n.language),
                })}
              </span>
            ),
          },
        ]}
      />
    </Card>
  );
}

function ViewerFallback() {
  return <Spin className="rc-spin" />;
}

/** The ECG records: one at a time in the viewer, where the doctor confirms or corrects the measurements. */
function EcgMaterial({
  request,
  initial,
  onConfirm,
}: {
  request: DiagnosticRequestDetail;
  initial: EcgMeasurementsConfirmed | null;
  onConfirm: ((m: EcgMeasurementsConfirmed) => void) | undefined;
}) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState(request.ecg[0]?.id);
  if (request.ecg.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('remoteCentre.ecg.none')} />;
  }
  const label = (e: DiagnosticRequestDetail['ecg'][number]) =>
    t('remoteCentre.ecg.record', {
      name: e.recordName,
      leads: e.leads.length,
      seconds: Math.round(e.durationMs / 1000),
    });
  return (
    <div data-testid="ecg-material">
      {request.ecg.length > 1 ? (
        <Radio.Group
          aria-label={t('remoteCentre.ecg.records')}
          className="rc-picker"
          value={chosen}
          onChange={(e) => setChosen(e.target.value)}
          optionType="button"
          options={request.ecg.map((e) => ({ value: e.id, label: label(e) }))}
        />
      ) : (
        <Typography.Paragraph type="secondary">
          {label(request.ecg[0] as (typeof request.ecg)[number])}
        </Typography.Paragraph>
      )}
      {chosen && (
        <Suspense fallback={<ViewerFallback />}>
          <EcgViewer key={chosen} ecgId={chosen} initial={initial} {...(onConfirm ? { onConfirm } : {})} />
        </Suspense>
      )}
    </div>
  );
}

type Distance = { seriesUid: string; instanceUid: string; mm: number };

/** The studies: a selector and the DICOM viewer; distances measured can be written into the findings. */
function ImagingMaterial({
  request,
  editable,
  onMeasure,
  onInsert,
}: {
  request: DiagnosticRequestDetail;
  editable: boolean;
  onMeasure(m: Distance[]): void;
  onInsert(mm: number[]): void;
}) {
  const { t } = useTranslation();
  const [studyUid, setStudyUid] = useState(request.studies[0]?.studyUid);
  const [distances, setDistances] = useState<Distance[]>([]);
  if (request.studies.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('remoteCentre.imaging.none')} />;
  }
  return (
    <div data-testid="imaging-material">
      <Form layout="inline" className="rc-picker">
        <Form.Item label={t('remoteCentre.imaging.study')} htmlFor="rc-study">
          <Select
            id="rc-study"
            className="rc-study-select"
            value={studyUid}
            onChange={(value) => {
              setStudyUid(value);
              setDistances([]);
            }}
            options={request.studies.map((s) => ({
              value: s.studyUid,
              label: t('remoteCentre.imaging.studyValue', {
                description: s.description ?? t('remoteCentre.imaging.noDescription'),
                modalities: s.modalities.join('/'),
                series: s.series,
                instances: s.instances,
              }),
            }))}
            data-testid="study-select"
          />
        </Form.Item>
      </Form>
      {studyUid && (
        <Suspense fallback={<ViewerFallback />}>
          <DicomViewer
            key={studyUid}
            studyUid={studyUid}
            onMeasure={(m) => {
              setDistances(m);
              onMeasure(m);
            }}
          />
        </Suspense>
      )}
      {distances.length > 0 && (
        <div className="rc-measures" data-testid="imaging-measurements">
          <Typography.Text strong>{t('remoteCentre.imaging.measurements')}</Typography.Text>
          {distances.map((d, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a measurement has no id; the list is replaced whole.
            <Tag key={i}>{t('remoteCentre.imaging.measurementValue', { mm: d.mm.toFixed(1) })}</Tag>
          ))}
          {editable && (
            <Button
              size="small"
              icon={<EditOutlined aria-hidden />}
              onClick={() => onInsert(distances.map((d) => d.mm))}
              data-testid="imaging-insert"
            >
              {t('remoteCentre.imaging.insert')}
            </Button>
          )}
        </div>
      )}
    </div>
  );
}

/** The request's specimens and each one's chain of custody (who scanned which step, where, when). */
function Specimens({ specimens }: { specimens: readonly SpecimenView[] }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="rc-specimens" className="rc-section">
      <Typography.Title level={4} id="rc-specimens" className="rc-section__title">
        {t('remoteCentre.lab.specimens')}
      </Typography.Title>
      {specimens.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('remoteCentre.lab.none')} />
      ) : (
        <List
          dataSource={[...specimens]}
          rowKey="id"
          renderItem={(s) => (
            <List.Item data-testid="specimen" data-status={s.status}>
              <SpecimenSummary specimen={s} />
            </List.Item>
          )}
        />
      )}
    </section>
  );
}
