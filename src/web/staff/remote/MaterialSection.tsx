import { ExperimentOutlined, InboxOutlined, RedoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  DiagnosticRequestDetail,
  EcgRecordSummary,
  EcgUploaded,
  ImagingStudySummary,
  SpecimenView,
} from '../../../shared/remote.js';
import { post } from '../../api.js';
import { errorText } from '../../errors.js';
import { useTableCaption } from '../records/captioned.js';
import { FilePicker } from './FilePicker.js';
import { dateTime, StepTag, sexAgeText, uploadFiles } from './parts.js';
import { SpecimenLabel } from './SpecimenLabel.js';

/** The requester may still add material (an upload before the centre claims it). */
const OPEN_FOR_MATERIAL = ['requested', 'ready', 'redraw'];

interface MaterialProps {
  request: DiagnosticRequestDetail;
  reload(): void;
  panelNames: ReadonlyMap<string, string>;
}

function EcgMaterial({ request, reload }: MaterialProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<EcgUploaded>();
  const [failure, setFailure] = useState<unknown>();
  const components = useTableCaption(t('remoteRequests.ecg.records'));
  const open = OPEN_FOR_MATERIAL.includes(request.status);

  async function send(files: File[]): Promise<boolean> {
    setBusy(true);
    setFailure(undefined);
    try {
      const uploaded = await uploadFiles<EcgUploaded>(`/diagnostic-requests/${request.id}/ecg`, files);
      setResult(uploaded);
      message.success(t('remoteRequests.ecg.uploaded'));
      reload();
      return true;
    } catch (error) {
      setFailure(error);
      return false;
    } finally {
      setBusy(false);
    }
  }

  const columns: TableColumnsType<EcgRecordSummary> = [
    { title: t('remoteRequests.ecg.record'), dataIndex: 'recordName', key: 'name' },
    { title: t('remoteRequests.ecg.format'), dataIndex: 'sourceFormat', key: 'format', width: 100 },
    {
      title: t('remoteRequests.ecg.leads'),
      key: 'leads',
      render: (_, r) => `${r.leads.length}（${r.leads.join(', ')}）`,
    },
    {
      title: t('remoteRequests.ecg.sampleRate'),
      key: 'rate',
      width: 100,
      render: (_, r) => t('remoteRequests.ecg.hz', { rate: r.sampleRate }),
    },
    {
      title: t('remoteRequests.ecg.duration'),
      key: 'duration',
      width: 100,
      render: (_, r) => t('remoteRequests.ecg.seconds', { seconds: (r.durationMs / 1000).toFixed(1) }),
    },
    {
      title: t('remoteRequests.ecg.uploadedAt'),
      key: 'at',
      width: 150,
      render: (_, r) => <span className="nowrap">{dateTime(r.createdAt)}</span>,
    },
  ];

  return (
    <>
      {open && (
        <>
          <Typography.Paragraph type="secondary">{t('remoteRequests.ecg.hint')}</Typography.Paragraph>
          <FilePicker
            label={t('remoteRequests.ecg.files')}
            accept=".hea,.dat,.xyz,.dcm,application/dicom"
            uploadText={t('remoteRequests.ecg.upload')}
            busy={busy}
            onUpload={send}
            testId="ecg-upload"
          />
        </>
      )}
      {failure !== undefined && (
        <Alert
          type="error"
          showIcon
          className="rr-page-alert"
          title={errorText(failure, t)}
          data-testid="ecg-upload-failure"
        />
      )}
      {result && (
        <Alert
          type="success"
          showIcon
          className="rr-page-alert"
          data-testid="ecg-upload-result"
          title={t('remoteRequests.ecg.uploaded')}
          description={t('remoteRequests.ecg.result', {
            leads: result.leads.length,
            names: result.leads.join(', '),
            rate: result.sampleRate,
            seconds: (result.durationMs / 1000).toFixed(1),
          })}
        />
      )}
      {request.ecg.length > 0 ? (
        <Table<EcgRecordSummary>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={request.ecg}
          components={components}
          pagination={false}
          scroll={{ x: 720 }}
          data-testid="ecg-records"
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('remoteRequests.ecg.none')} />
      )}
    </>
  );
}

function ImagingMaterial({ request, reload }: MaterialProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const components = useTableCaption(t('remoteRequests.imaging.studies'));
  const open = OPEN_FOR_MATERIAL.includes(request.status);

  async function send(files: File[]): Promise<boolean> {
    setBusy(true);
    setFailure(undefined);
    try {
      await uploadFiles<unknown>(`/diagnostic-requests/${request.id}/images`, files);
      message.success(t('remoteRequests.imaging.uploaded'));
      reload();
      return true;
    } catch (error) {
      setFailure(error);
      return false;
    } finally {
      setBusy(false);
    }
  }

  const columns: TableColumnsType<ImagingStudySummary> = [
    {
      title: t('remoteRequests.imaging.description'),
      key: 'description',
      render: (_, s) => s.description ?? t('remoteRequests.common.none'),
    },
    {
      title: t('remoteRequests.imaging.modalities'),
      key: 'modalities',
      width: 110,
      render: (_, s) => s.modalities.join(', '),
    },
    { title: t('remoteRequests.imaging.series'), dataIndex: 'series', key: 'series', width: 90 },
    { title: t('remoteRequests.imaging.instances'), dataIndex: 'instances', key: 'instances', width: 90 },
    {
      title: t('remoteRequests.imaging.uploadedAt'),
      key: 'at',
      width: 150,
      render: (_, s) => <span className="nowrap">{dateTime(s.createdAt)}</span>,
    },
  ];

  return (
    <>
      {open && (
        <>
          <Typography.Paragraph type="secondary">{t('remoteRequests.imaging.hint')}</Typography.Paragraph>
          <FilePicker
            label={t('remoteRequests.imaging.files')}
            accept=".dcm,application/dicom"
            uploadText={t('remoteRequests.imaging.upload')}
            busy={busy}
            onUpload={send}
            testId="imaging-upload"
          />
        </>
      )}
      {failure !== undefined && (
        <Alert
          type="error"
          showIcon
          className="rr-page-alert"
          title={errorText(failure, t)}
          data-testid="imaging-upload-failure"
        />
      )}
      {request.studies.length > 0 ? (
        <Table<ImagingStudySummary>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={request.studies}
          components={components}
          pagination={false}
          scroll={{ x: 640 }}
          data-testid="imaging-studies"
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('remoteRequests.imaging.none')} />
      )}
    </>
  );
}

/** 交接记录: who scanned the specimen at which step, where and when. */
function CustodyTable({ specimen }: { specimen: SpecimenView }) {
  const { t } = useTranslation();
  const components = useTableCaption(t('remoteRequests.lab.custodyCaption', { barcode: specimen.barcode }));
  type Event = SpecimenView['events'][number];
  const columns: TableColumnsType<Event> = [
    {
      title: t('remoteRequests.lab.eventStep'),
      key: 'step',
      width: 110,
      render: (_, e) => <StepTag step={e.step} />,
    },
    {
      title: t('remoteRequests.lab.eventAt'),
      key: 'at',
      width: 150,
      render: (_, e) => <span className="nowrap">{dateTime(e.at)}</span>,
    },
    { title: t('remoteRequests.lab.eventBy'), dataIndex: 'by', key: 'by', width: 100 },
    { title: t('remoteRequests.lab.eventInstitution'), dataIndex: 'institutionName', key: 'institution' },
    {
      title: t('remoteRequests.lab.eventReason'),
      key: 'reason',
      render: (_, e) =>
        e.reason ? t(`remoteRequests.rejectReason.${e.reason}` as never, { defaultValue: e.reason }) : '',
    },
  ];
  return (
    <Table<Event>
      rowKey={(e) => `${e.step}:${e.at}`}
      size="small"
      columns={columns}
      dataSource={specimen.events}
      components={components}
      pagination={false}
      scroll={{ x: 600 }}
      data-testid="specimen-events"
    />
  );
}

function LabMaterial({ request, reload, panelNames }: MaterialProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const specimens = request.specimens;
  const redrawn = new Set(specimens.map((s) => s.redrawOf).filter(Boolean));
  const canCollect = request.status === 'requested' && specimens.length === 0;
  const patient = { name: request.patient.name, sexAge: sexAgeText(request.patient, t) };

  async function act<T>(key: string, call: () => Promise<T>, done: (result: T) => string) {
    setBusy(key);
    setFailure(undefined);
    try {
      const result = await call();
      message.success(done(result));
      reload();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(undefined);
    }
  }

  const collect = (redrawOf?: string) =>
    act(
      redrawOf ? `redraw:${redrawOf}` : 'collect',
      () => post<SpecimenView>(`/diagnostic-requests/${request.id}/specimens`, redrawOf ? { redrawOf } : {}),
      (created) => t('remoteRequests.lab.collected', { barcode: created.barcode }),
    );

  return (
    <>
      <Typography.Paragraph type="secondary">{t('remoteRequests.lab.hint')}</Typography.Paragraph>
      {failure !== undefined && (
        <Alert
          type="error"
          showIcon
          className="rr-page-alert"
          title={errorText(failure, t)}
          data-testid="lab-failure"
        />
      )}
      {canCollect && (
        <Button
          type="primary"
          icon={<ExperimentOutlined aria-hidden />}
          loading={busy === 'collect'}
          onClick={() => void collect()}
          data-testid="specimen-collect"
        >
          {t('remoteRequests.lab.collect')}
        </Button>
      )}
      {specimens.length === 0 && !canCollect && (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('remoteRequests.lab.none')} />
      )}
      {specimens.map((specimen) => (
        <Card
          key={specimen.id}
          size="small"
          className="rr-specimen"
          data-testid="specimen"
          data-barcode={specimen.barcode}
          data-status={specimen.status}
          title={
            <Space wrap>
              <span>
                {t('remoteRequests.lab.barcode')} {specimen.barcode}
              </span>
              <StepTag step={specimen.status} />
              {specimen.redrawOf && <span className="rr-muted">{t('remoteRequests.lab.redrawOf')}</span>}
            </Space>
          }
        >
          {specimen.status === 'rejected' && (
            <Alert
              type="warning"
              showIcon
              className="rr-page-alert"
              data-testid="specimen-rejected"
              title={t('remoteRequests.lab.rejected', {
                reason: specimen.rejectReason
                  ? t(`remoteRequests.rejectReason.${specimen.rejectReason}` as never, {
                      defaultValue: specimen.rejectReason,
                    })
                  : t('remoteRequests.common.none'),
              })}
              description={!redrawn.has(specimen.id) ? t('remoteRequests.lab.redrawHint') : undefined}
              action={
                !redrawn.has(specimen.id) && request.status === 'redraw' ? (
                  <Button
                    icon={<RedoOutlined aria-hidden />}
                    loading={busy === `redraw:${specimen.id}`}
                    onClick={() => void collect(specimen.id)}
                    data-testid="specimen-redraw"
                  >
                    {t('remoteRequests.lab.redraw')}
                  </Button>
                ) : undefined
              }
            />
          )}
          <div className="rr-specimen__body">
            {['collected', 'packed'].includes(specimen.status) && (
              <SpecimenLabel
                specimen={specimen}
                patient={patient}
                accessionNo={request.accessionNo}
                panelNames={panelNames}
              />
            )}
            <div className="rr-specimen__custody">
              {specimen.status === 'collected' && (
                <Button
                  type="primary"
                  icon={<InboxOutlined aria-hidden />}
                  autoInsertSpace={false}
                  loading={busy === `pack:${specimen.id}`}
                  onClick={() =>
                    void act(
                      `pack:${specimen.id}`,
                      () =>
                        post(`/specimens/${encodeURIComponent(specimen.barcode)}/events`, {
                          step: 'packed',
                        }),
                      () => t('remoteRequests.lab.packed'),
                    )
                  }
                  aria-label={t('remoteRequests.lab.packLabel', { barcode: specimen.barcode })}
                  data-testid="specimen-pack"
                >
                  {t('remoteRequests.lab.pack')}
                </Button>
              )}
              <Typography.Title level={4} className="rr-subtitle">
                {t('remoteRequests.lab.custody')}
              </Typography.Title>
              <CustodyTable specimen={specimen} />
            </div>
          </div>
        </Card>
      ))}
    </>
  );
}

/** 检查材料 by kind: the ECG upload, the DICOM upload, or the specimens with their labels and custody. */
export function MaterialSection(props: MaterialProps) {
  const { request } = props;
  if (request.kind === 'ecg') return <EcgMaterial {...props} />;
  if (request.kind === 'imaging') return <ImagingMaterial {...props} />;
  return <LabMaterial {...props} />;
}
