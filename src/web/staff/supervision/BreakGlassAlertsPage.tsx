import { CheckCircleFilled, ClockCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Select,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { BreakGlassView } from '../../../shared/records.js';
import { get, post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading, useTableCaption } from '../records/captioned.js';
import { dateTime } from '../records/results.js';
import '../records/records.css';

type Shown = 'all' | 'unreviewed';
const path = (shown: Shown, before?: string) =>
  `/break-glass-alerts?status=${shown}&limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`;

/** 审阅: the regulator's note on one emergency access. */
function ReviewModal({
  alert,
  onClose,
  onDone,
}: {
  alert: BreakGlassView | undefined;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  async function submit() {
    if (!alert) return;
    let note: string;
    try {
      note = (await form.validateFields()).note.trim();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      await post(`/break-glass-alerts/${alert.id}/review`, { note });
      message.success(t('recordsStaff.alerts.done'));
      onDone();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={alert !== undefined}
      title={t('recordsStaff.alerts.reviewTitle')}
      okText={t('recordsStaff.alerts.submit')}
      okButtonProps={{ loading: busy }}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      {alert && (
        <dl className="bg-review__facts">
          <dt>{t('recordsStaff.alerts.reader')}</dt>
          <dd>{[alert.readerName, alert.institutionName].filter(Boolean).join(' · ')}</dd>
          <dt>{t('recordsStaff.alerts.patient')}</dt>
          <dd>{alert.patientName}</dd>
          <dt>{t('recordsStaff.alerts.createdAt')}</dt>
          <dd>{dateTime(alert.createdAt)}</dd>
          <dt>{t('recordsStaff.alerts.reason')}</dt>
          <dd className="bg-review__reason">{alert.reason}</dd>
        </dl>
      )}
      <Form form={form} layout="vertical">
        <Form.Item
          name="note"
          label={t('recordsStaff.alerts.note')}
          rules={[{ required: true, whitespace: true, message: t('recordsStaff.alerts.noteRequired') }]}
        >
          <Input.TextArea
            maxLength={500}
            showCount
            autoSize={{ minRows: 3, maxRows: 6 }}
            placeholder={t('recordsStaff.alerts.notePlaceholder')}
            data-testid="break-glass-note"
          />
        </Form.Item>
      </Form>
      {failure !== undefined && <Alert type="error" showIcon title={errorText(failure, t)} />}
    </Modal>
  );
}

/**
 * 紧急调阅告警 (/regulator/breakGlassAlerts, SEC-1 break-glass): every emergency access — who, from which
 * institution, whose record, why, when — and whether it was reviewed; 审阅 records the regulator's note.
 */
export function BreakGlassAlertsPage() {
  const { t } = useTranslation();
  const [shown, setShown] = useState<Shown>('all');
  const first = useApiData<Page<BreakGlassView>>(path(shown));
  const [more, setMore] = useState<Page<BreakGlassView>[]>([]);
  const [loading, setLoading] = useState(false);
  const [reviewing, setReviewing] = useState<BreakGlassView>();
  const components = useTableCaption(t('recordsStaff.alerts.caption'));
  const pages = first.data ? [first.data, ...more] : [];
  const alerts = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const next = await get<Page<BreakGlassView>>(path(shown, cursor));
      setMore((loaded) => [...loaded, next]);
    } finally {
      setLoading(false);
    }
  }

  function reload() {
    setMore([]);
    first.reload();
  }

  const columns: TableColumnsType<BreakGlassView> = [
    {
      title: t('recordsStaff.alerts.createdAt'),
      key: 'createdAt',
      width: 140,
      render: (_, a) => <span className="nowrap">{dateTime(a.createdAt)}</span>,
    },
    {
      title: t('recordsStaff.alerts.reader'),
      key: 'reader',
      render: (_, a) => (
        <div>
          <Typography.Text>{a.readerName}</Typography.Text>
          {a.institutionName && <div className="rec-sub">{a.institutionName}</div>}
        </div>
      ),
    },
    { title: t('recordsStaff.alerts.patient'), dataIndex: 'patientName', key: 'patient', width: 96 },
    {
      title: t('recordsStaff.alerts.reason'),
      key: 'reason',
      render: (_, a) => <span className="bg-reason">{a.reason}</span>,
    },
    {
      title: t('recordsStaff.alerts.expiresAt'),
      key: 'expiresAt',
      width: 140,
      render: (_, a) => <span className="nowrap">{dateTime(a.expiresAt)}</span>,
    },
    {
      title: t('recordsStaff.alerts.reviewed'),
      key: 'reviewed',
      render: (_, a) =>
        a.reviewedAt ? (
          <div data-testid="break-glass-reviewed" data-reviewed="true">
            <Tag color="success" icon={<CheckCircleFilled aria-hidden />}>
              {t('recordsStaff.alerts.reviewedYes')}
            </Tag>
            <div className="rec-sub">
              {t('recordsStaff.alerts.reviewedAt', { time: dateTime(a.reviewedAt) })}
            </div>
            {a.reviewNote && <div className="rec-sub">{a.reviewNote}</div>}
          </div>
        ) : (
          <Tag
            color="warning"
            icon={<ClockCircleOutlined aria-hidden />}
            data-testid="break-glass-reviewed"
            data-reviewed="false"
          >
            {t('recordsStaff.alerts.reviewedNo')}
          </Tag>
        ),
    },
    {
      title: t('recordsStaff.alerts.actions'),
      key: 'actions',
      width: 88,
      render: (_, a) =>
        a.reviewedAt ? null : (
          <Button
            type="primary"
            size="small"
            autoInsertSpace={false}
            onClick={() => setReviewing(a)}
            aria-label={t('recordsStaff.alerts.reviewLabel', {
              reader: a.readerName,
              patient: a.patientName,
            })}
            data-testid="break-glass-review"
          >
            {t('recordsStaff.alerts.review')}
          </Button>
        ),
    },
  ];

  return (
    <div className="staff-page" data-testid="break-glass-alerts">
      <Card
        variant="borderless"
        title={<CardHeading>{t('staff.cards.breakGlassAlerts.title')}</CardHeading>}
        extra={
          <Button icon={<ReloadOutlined aria-hidden />} onClick={reload}>
            {t('recordsStaff.care.refresh')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('recordsStaff.alerts.intro')}</Typography.Paragraph>
        <div className="rec-toolbar">
          <Select<Shown>
            className="rec-toolbar__select"
            aria-label={t('recordsStaff.alerts.filter')}
            value={shown}
            onChange={(next) => {
              setMore([]);
              setShown(next);
            }}
            options={(['all', 'unreviewed'] as const).map((value) => ({
              value,
              label: t(`recordsStaff.alerts.filterLabel.${value}`),
            }))}
            data-testid="break-glass-filter"
          />
        </div>
        {first.error !== undefined && (
          <Alert type="error" showIcon className="rec-page-alert" title={errorText(first.error, t)} />
        )}
        <Table<BreakGlassView>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={alerts}
          components={components}
          loading={first.data === undefined && first.error === undefined}
          pagination={false}
          scroll={{ x: 1000 }}
          onRow={(a) =>
            ({
              'data-testid': 'break-glass-row',
              'data-reviewed': a.reviewedAt ? 'true' : 'false',
            }) as HTMLAttributes<HTMLElement>
          }
          locale={{ emptyText: t('recordsStaff.alerts.empty') }}
        />
        {cursor && (
          <div className="rec-more">
            <Button onClick={loadMore} loading={loading}>
              {t('recordsStaff.alerts.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <ReviewModal
        alert={reviewing}
        onClose={() => setReviewing(undefined)}
        onDone={() => {
          setReviewing(undefined);
          reload();
        }}
      />
    </div>
  );
}
