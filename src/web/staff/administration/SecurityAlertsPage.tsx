import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ALERT_KINDS,
  ALERT_STATUSES,
  type AlertKind,
  type AlertPage,
  type AlertSeverity,
  type AlertStatus,
  type AlertView,
} from '../../../shared/security.js';
import { get, post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading, useTableCaption } from '../records/captioned.js';
import { instant } from './parts.js';
import './administration.css';

const SEVERITY_COLOR: Record<AlertSeverity, string> = { low: 'default', medium: 'warning', high: 'error' };
const STATUS_COLOR: Record<AlertStatus, string> = {
  open: 'error',
  acknowledged: 'processing',
  closed: 'default',
};

function alertsPath(status?: AlertStatus, kind?: AlertKind, cursor?: string): string {
  const params = new URLSearchParams({ limit: '20' });
  if (status) params.set('status', status);
  if (kind) params.set('kind', kind);
  if (cursor) params.set('cursor', cursor);
  return `/security/alerts?${params}`;
}

export function SeverityTag({ severity }: { severity: AlertSeverity }) {
  const { t } = useTranslation();
  return (
    <Tag color={SEVERITY_COLOR[severity]} data-testid="alert-severity">
      {t(`administration.alerts.severity.${severity}`)}
    </Tag>
  );
}

function StatusTag({ status }: { status: AlertStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="alert-status" data-status={status}>
      {t(`administration.alerts.status.${status}`)}
    </Tag>
  );
}

/** Whom the alert is about: an account (by id) or an address. */
function SubjectText({ alert }: { alert: AlertView }) {
  const { t } = useTranslation();
  const { subject } = alert;
  if (subject.type === 'address') {
    return (
      <span>
        {t('administration.alerts.address')} <span className="adm-mono">{subject.address ?? '—'}</span>
      </span>
    );
  }
  return (
    <span>
      {t('administration.alerts.account')}{' '}
      <span className="adm-mono" title={subject.accountId ?? undefined}>
        {subject.accountId ? `${subject.accountId.slice(0, 8)}…` : '—'}
      </span>
      {subject.address && <div className="adm-sub adm-mono">{subject.address}</div>}
    </span>
  );
}

/** 12 / 10 within 09:03–09:13: what was counted against the threshold, and when. */
function EvidenceSummary({ alert }: { alert: AlertView }) {
  const { t } = useTranslation();
  const { evidence } = alert;
  return (
    <div>
      <div>
        {t(`administration.alerts.counted.${alert.kind}`, {
          count: evidence.count,
          threshold: evidence.threshold,
        })}
      </div>
      <div className="adm-sub adm-num">
        {instant(evidence.windowStart)} – {instant(evidence.windowEnd).slice(11)}
      </div>
    </div>
  );
}

/** Acknowledge (处理中) or close an alert, with the note the contract requires. */
function NoteModal({
  target,
  onClose,
  onDone,
}: {
  target: { alert: AlertView; action: 'acknowledge' | 'close' } | undefined;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ note: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  async function submit() {
    if (!target) return;
    let note: string;
    try {
      note = (await form.validateFields()).note.trim();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      await post(`/security/alerts/${target.alert.id}/${target.action}`, { note });
      onDone();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={target !== undefined}
      title={target ? t(`administration.alerts.${target.action}Title`) : ''}
      okText={target ? t(`administration.alerts.${target.action}`) : ''}
      okButtonProps={{ loading: busy }}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      afterClose={() => setFailure(undefined)}
      destroyOnHidden
    >
      {target && (
        <Typography.Paragraph type="secondary">
          {t(`administration.alerts.kind.${target.alert.kind}`)} · {instant(target.alert.raisedAt)}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="note"
          label={t('administration.alerts.note')}
          rules={[{ required: true, whitespace: true, message: t('administration.alerts.noteRequired') }]}
        >
          <Input.TextArea
            maxLength={500}
            showCount
            autoSize={{ minRows: 3, maxRows: 6 }}
            placeholder={t('administration.alerts.notePlaceholder')}
            data-testid="alert-note"
          />
        </Form.Item>
      </Form>
      {failure !== undefined && <Alert type="error" showIcon title={errorText(failure, t)} />}
    </Modal>
  );
}

/** An evidence value in one line. */
const evidenceValue = (value: string | number | boolean | null) => (value === null ? '—' : String(value));

/**
 * 安全告警 (DJ-17, DJ-30): what the intrusion detectors raised — brute force, id enumeration, export and
 * bulk-read volume, new networks, refused addresses — with their evidence; the security administrator
 * acknowledges (处理中) and closes them, each with a note (audited).
 */
export function SecurityAlertsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [status, setStatus] = useState<AlertStatus | undefined>('open');
  const [kind, setKind] = useState<AlertKind>();
  const first = useApiData<AlertPage>(alertsPath(status, kind));
  const [more, setMore] = useState<AlertPage[]>([]);
  const [loading, setLoading] = useState(false);
  const [shown, setShown] = useState<AlertView>();
  const [acting, setActing] = useState<{ alert: AlertView; action: 'acknowledge' | 'close' }>();
  const components = useTableCaption(t('administration.alerts.caption'));
  const pages = first.data ? [first.data, ...more] : [];
  const alerts = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;
  const detailLabel = (key: string) => {
    const path = `administration.detailKeys.${key}`;
    return i18n.exists(path) ? t(path as 'administration.detailKeys.reason') : key;
  };

  function reload() {
    setMore([]);
    first.reload();
  }

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const next = await get<AlertPage>(alertsPath(status, kind, cursor));
      setMore((loaded) => [...loaded, next]);
    } catch (error) {
      message.error(errorText(error, t));
    } finally {
      setLoading(false);
    }
  }

  const actions = (a: AlertView, inDrawer = false) => (
    <Space size={inDrawer ? 8 : 0} wrap className="adm-row-actions">
      {!inDrawer && (
        <Button type="link" size="small" onClick={() => setShown(a)} data-testid="alert-evidence">
          {t('administration.alerts.viewEvidence')}
        </Button>
      )}
      {a.status === 'open' && (
        <Button
          size="small"
          type={inDrawer ? 'primary' : 'link'}
          onClick={() => setActing({ alert: a, action: 'acknowledge' })}
          data-testid="alert-acknowledge"
        >
          {t('administration.alerts.acknowledge')}
        </Button>
      )}
      {a.status !== 'closed' && (
        <Button
          size="small"
          type={inDrawer ? 'default' : 'link'}
          onClick={() => setActing({ alert: a, action: 'close' })}
          data-testid="alert-close"
        >
          {t('administration.alerts.close')}
        </Button>
      )}
    </Space>
  );

  const columns: TableColumnsType<AlertView> = [
    {
      title: t('administration.alerts.raisedAt'),
      key: 'raisedAt',
      width: 160,
      render: (_, a) => <span className="adm-num nowrap">{instant(a.raisedAt)}</span>,
    },
    {
      title: t('administration.alerts.kindTitle'),
      key: 'kind',
      width: 130,
      render: (_, a) => (
        <div>
          <Typography.Text strong>{t(`administration.alerts.kind.${a.kind}`)}</Typography.Text>
          <div>
            <SeverityTag severity={a.severity} />
          </div>
        </div>
      ),
    },
    {
      title: t('administration.alerts.subject'),
      key: 'subject',
      width: 150,
      render: (_, a) => <SubjectText alert={a} />,
    },
    {
      title: t('administration.alerts.evidence'),
      key: 'evidence',
      render: (_, a) => <EvidenceSummary alert={a} />,
    },
    {
      title: t('administration.alerts.statusTitle'),
      key: 'status',
      width: 130,
      render: (_, a) => (
        <div>
          <StatusTag status={a.status} />
          {a.note && <div className="adm-sub adm-note">{a.note}</div>}
        </div>
      ),
    },
    { title: t('administration.alerts.actions'), key: 'actions', width: 220, render: (_, a) => actions(a) },
  ];

  return (
    <div className="staff-page" data-testid="security-alerts-page">
      <Card
        variant="borderless"
        title={<CardHeading>{t('staff.cards.securityAlerts.title')}</CardHeading>}
        extra={
          <Button icon={<ReloadOutlined aria-hidden />} onClick={reload}>
            {t('administration.refresh')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('administration.alerts.intro')}</Typography.Paragraph>
        <div className="adm-toolbar">
          <Select<AlertStatus>
            className="adm-toolbar__select"
            allowClear
            value={status}
            onChange={(next) => {
              setMore([]);
              setStatus(next);
            }}
            placeholder={t('administration.alerts.anyStatus')}
            aria-label={t('administration.alerts.statusFilter')}
            options={ALERT_STATUSES.map((value) => ({
              value,
              label: t(`administration.alerts.status.${value}`),
            }))}
            data-testid="alert-status-filter"
          />
          <Select<AlertKind>
            className="adm-toolbar__select adm-toolbar__select--wide"
            allowClear
            value={kind}
            onChange={(next) => {
              setMore([]);
              setKind(next);
            }}
            placeholder={t('administration.alerts.anyKind')}
            aria-label={t('administration.alerts.kindFilter')}
            options={ALERT_KINDS.map((value) => ({ value, label: t(`administration.alerts.kind.${value}`) }))}
          />
        </div>
        {first.error !== undefined && (
          <Alert type="error" showIcon className="adm-alert" title={errorText(first.error, t)} />
        )}
        <Table<AlertView>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={alerts}
          components={components}
          loading={first.data === undefined && first.error === undefined}
          pagination={false}
          scroll={{ x: 960 }}
          onRow={(a) => ({ 'data-testid': 'alert-row', 'data-kind': a.kind }) as HTMLAttributes<HTMLElement>}
          locale={{ emptyText: t('administration.alerts.empty') }}
        />
        {cursor && (
          <div className="adm-more">
            <Button onClick={loadMore} loading={loading}>
              {t('administration.loadMore')}
            </Button>
          </div>
        )}
      </Card>

      <Drawer
        open={shown !== undefined}
        size={560}
        title={shown ? t(`administration.alerts.kind.${shown.kind}`) : ''}
        onClose={() => setShown(undefined)}
        destroyOnHidden
      >
        {shown && (
          <div data-testid="alert-drawer">
            <Typography.Paragraph type="secondary">
              {t(`administration.alerts.kindDesc.${shown.kind}`)}
            </Typography.Paragraph>
            <Descriptions column={1} size="small" bordered className="adm-descriptions">
              <Descriptions.Item label={t('administration.alerts.severityTitle')}>
                <SeverityTag severity={shown.severity} />
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.alerts.statusTitle')}>
                <StatusTag status={shown.status} />
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.alerts.raisedAt')}>
                <span className="adm-num">{instant(shown.raisedAt)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.alerts.subject')}>
                <SubjectText alert={shown} />
                {shown.subject.accountId && <div className="adm-sub adm-mono">{shown.subject.accountId}</div>}
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.alerts.countTitle')}>
                {t('administration.alerts.countValue', {
                  count: shown.evidence.count,
                  threshold: shown.evidence.threshold,
                })}
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.alerts.window')}>
                <span className="adm-num">
                  {instant(shown.evidence.windowStart)} – {instant(shown.evidence.windowEnd)}
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.alerts.ids')}>
                {shown.evidence.ids.length > 0 ? (
                  <ul className="adm-list adm-mono" data-testid="alert-ids">
                    {shown.evidence.ids.map((id) => (
                      <li key={id}>{id}</li>
                    ))}
                  </ul>
                ) : (
                  '—'
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.alerts.addresses')}>
                {shown.evidence.addresses.length > 0 ? (
                  <ul className="adm-list adm-mono">
                    {shown.evidence.addresses.map((address) => (
                      <li key={address}>{address}</li>
                    ))}
                  </ul>
                ) : (
                  '—'
                )}
              </Descriptions.Item>
              {Object.entries(shown.evidence.details).map(([key, value]) => (
                <Descriptions.Item key={key} label={detailLabel(key)}>
                  {evidenceValue(value)}
                </Descriptions.Item>
              ))}
              {shown.acknowledgedAt && (
                <Descriptions.Item label={t('administration.alerts.acknowledgedAt')}>
                  <span className="adm-num">{instant(shown.acknowledgedAt)}</span>
                </Descriptions.Item>
              )}
              {shown.closedAt && (
                <Descriptions.Item label={t('administration.alerts.closedAt')}>
                  <span className="adm-num">{instant(shown.closedAt)}</span>
                </Descriptions.Item>
              )}
              {shown.note && (
                <Descriptions.Item label={t('administration.alerts.note')}>{shown.note}</Descriptions.Item>
              )}
            </Descriptions>
            {shown.status !== 'closed' && <div className="adm-drawer-actions">{actions(shown, true)}</div>}
          </div>
        )}
      </Drawer>

      <NoteModal
        target={acting}
        onClose={() => setActing(undefined)}
        onDone={() => {
          message.success(
            acting?.action === 'close'
              ? t('administration.alerts.closed')
              : t('administration.alerts.acknowledged'),
          );
          setActing(undefined);
          setShown(undefined);
          reload();
        }}
      />
    </div>
  );
}
