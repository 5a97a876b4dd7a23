import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
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
import { type HTMLAttributes, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import { ALERT_STATUSES, type AlertDecisionBody, type InsuranceAlert } from '../../../shared/insurance.js';
import { get, post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading, useTableCaption } from '../records/captioned.js';
import { formatInstant } from '../supervision/format.js';
import { EvidenceTable } from './InsurerParts.js';
import '../records/records.css';
import '../supervision/supervision.css';
import './insurance.css';

type Shown = InsuranceAlert['status'] | 'all';
type Decision = AlertDecisionBody['decision'];

const STATUS_COLOR = {
  open: 'warning',
  confirmed: 'error',
  dismissed: 'default',
  cleared: 'success',
} as const;

function path(shown: Shown, cursor?: string): string {
  const params = new URLSearchParams({ limit: '50' });
  if (shown !== 'all') params.set('status', shown);
  if (cursor) params.set('cursor', cursor);
  return `/insurance/alerts?${params.toString()}`;
}

/** 确认违规 / 排除 / 解除暂停 of one alert, with the insurer's note (INS-4). */
function DecisionModal({
  target,
  onClose,
  onDone,
}: {
  target: { alert: InsuranceAlert; decision: Decision } | undefined;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note?: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  async function submit() {
    if (!target) return;
    const note = form.getFieldValue('note')?.trim();
    setBusy(true);
    setFailure(undefined);
    try {
      const body: AlertDecisionBody = { decision: target.decision, ...(note ? { note } : {}) };
      await post(`/insurance/alerts/${target.alert.id}/decision`, body);
      message.success(t('insuranceStaff.review.done'));
      onDone();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const decision = target?.decision ?? 'dismiss';
  return (
    <Modal
      open={target !== undefined}
      title={t(`insuranceStaff.review.decisionTitle.${decision}`)}
      okText={t(`insuranceStaff.review.${decision}`)}
      okButtonProps={{
        loading: busy,
        danger: decision === 'confirm',
        'data-testid': 'alert-decision-submit',
      }}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      {target && (
        <>
          <dl className="bg-review__facts">
            <dt>{t('insuranceStaff.review.rule')}</dt>
            <dd>{t(`insuranceStaff.review.rules.${target.alert.rule}`)}</dd>
            <dt>{t('insuranceStaff.review.subject')}</dt>
            <dd>
              {t(`insuranceStaff.review.subjectKind.${target.alert.subjectKind}`)} {target.alert.subjectName}
            </dd>
            <dt>{t('insuranceStaff.review.summary')}</dt>
            <dd>{target.alert.summary}</dd>
          </dl>
          <Alert
            className="rec-page-alert"
            type={decision === 'confirm' ? 'warning' : 'info'}
            showIcon
            title={t(`insuranceStaff.review.decisionHint.${decision}`, { name: target.alert.subjectName })}
          />
        </>
      )}
      <Form form={form} layout="vertical">
        <Form.Item name="note" label={t('insuranceStaff.review.note')}>
          <Input.TextArea
            maxLength={500}
            showCount
            autoSize={{ minRows: 3, maxRows: 6 }}
            placeholder={t('insuranceStaff.review.notePlaceholder')}
            data-testid="alert-decision-note"
          />
        </Form.Item>
      </Form>
      {failure !== undefined && <Alert type="error" showIcon title={errorText(failure, t)} />}
    </Modal>
  );
}

/**
 * 智能审核 (/insurer/review, INS-4): what the fraud rules found — rule, subject, a summary and the evidence
 * as a table of its fields — and the insurer's decision: 确认违规 blocks the subject's next settlements,
 * 排除 closes the alert, 解除暂停 lifts a confirmed block.
 */
export function InsuranceReviewPage() {
  const { t } = useTranslation();
  const [shown, setShown] = useState<Shown>('open');
  const first = useApiData<Page<InsuranceAlert>>(path(shown));
  const [more, setMore] = useState<Page<InsuranceAlert>[]>([]);
  const [loading, setLoading] = useState(false);
  const [deciding, setDeciding] = useState<{ alert: InsuranceAlert; decision: Decision }>();
  // Open alerts show their evidence unfolded; the insurer folds and unfolds any row.
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set());
  const components = useTableCaption(t('insuranceStaff.review.caption'));
  const pages = first.data ? [first.data, ...more] : [];
  const alerts = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is the trigger.
  useEffect(() => setMore([]), [shown]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const next = await get<Page<InsuranceAlert>>(path(shown, cursor));
      setMore((loaded) => [...loaded, next]);
    } finally {
      setLoading(false);
    }
  }

  function reload() {
    setMore([]);
    first.reload();
  }

  const decide = (alert: InsuranceAlert, decision: Decision) => (
    <Button
      key={decision}
      size="small"
      type={decision === 'dismiss' ? 'default' : 'primary'}
      danger={decision === 'confirm'}
      autoInsertSpace={false}
      onClick={() => setDeciding({ alert, decision })}
      data-testid={`alert-${decision}`}
    >
      {t(`insuranceStaff.review.${decision}`)}
    </Button>
  );

  const columns: TableColumnsType<InsuranceAlert> = [
    {
      title: t('insuranceStaff.review.createdAt'),
      key: 'createdAt',
      width: 160,
      render: (_, a) => <span className="nowrap">{formatInstant(a.createdAt)}</span>,
    },
    {
      title: t('insuranceStaff.review.rule'),
      key: 'rule',
      width: 180,
      render: (_, a) => (
        <div>
          <Typography.Text strong data-testid="alert-rule" data-rule={a.rule}>
            {t(`insuranceStaff.review.rules.${a.rule}`)}
          </Typography.Text>
          <div className="cell-sub">{t(`insuranceStaff.review.sourceLabel.${a.source}`)}</div>
        </div>
      ),
    },
    {
      title: t('insuranceStaff.review.subject'),
      key: 'subject',
      width: 140,
      render: (_, a) => (
        <span>
          <Tag variant="filled">{t(`insuranceStaff.review.subjectKind.${a.subjectKind}`)}</Tag>
          <span data-testid="alert-subject">{a.subjectName}</span>
        </span>
      ),
    },
    {
      title: t('insuranceStaff.review.summary'),
      key: 'summary',
      render: (_, a) => <span data-testid="alert-summary">{a.summary}</span>,
    },
    {
      title: t('insuranceStaff.review.status'),
      key: 'status',
      width: 140,
      render: (_, a) => (
        <div>
          <Tag color={STATUS_COLOR[a.status]} data-testid="alert-status" data-status={a.status}>
            {t(`insuranceStaff.review.statusLabel.${a.status}`)}
          </Tag>
          {a.decidedAt && <div className="cell-sub">{formatInstant(a.decidedAt)}</div>}
          {a.clearedAt && (
            <div className="cell-sub">
              {t('insuranceStaff.review.clearedAtValue', { time: formatInstant(a.clearedAt) })}
            </div>
          )}
        </div>
      ),
    },
    {
      title: t('insuranceStaff.common.actions'),
      key: 'actions',
      width: 170,
      fixed: 'right',
      render: (_, a) => (
        <Space size={6} wrap>
          {a.status === 'open' && [decide(a, 'confirm'), decide(a, 'dismiss')]}
          {a.status === 'confirmed' && decide(a, 'clear')}
        </Space>
      ),
    },
  ];

  return (
    <div className="staff-page ins-staff" data-testid="insurance-review">
      <Card
        variant="borderless"
        className="ins-card"
        title={<CardHeading>{t('staff.cards.review.title')}</CardHeading>}
        extra={
          <Button icon={<ReloadOutlined aria-hidden />} onClick={reload}>
            {t('insuranceStaff.common.refresh')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('insuranceStaff.review.intro')}</Typography.Paragraph>
        <div className="supervision-toolbar">
          <Select<Shown>
            className="supervision-toolbar__select"
            aria-label={t('insuranceStaff.review.filter')}
            value={shown}
            onChange={setShown}
            options={[
              ...ALERT_STATUSES.map((value) => ({
                value,
                label: t(`insuranceStaff.review.statusLabel.${value}`),
              })),
              { value: 'all' as const, label: t('insuranceStaff.review.all') },
            ]}
            data-testid="alert-filter"
          />
        </div>
        {first.error !== undefined && (
          <Alert type="error" showIcon className="rec-page-alert" title={errorText(first.error, t)} />
        )}
        <Table<InsuranceAlert>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={alerts}
          components={components}
          loading={first.data === undefined && first.error === undefined}
          pagination={false}
          scroll={{ x: 1000 }}
          expandable={{
            expandedRowKeys: alerts
              .filter((a) => (a.status === 'open') !== toggled.has(a.id))
              .map((a) => a.id),
            onExpand: (_, a) =>
              setToggled((current) => {
                const next = new Set(current);
                if (!next.delete(a.id)) next.add(a.id);
                return next;
              }),
            expandedRowRender: (a) => (
              <div className="ins-expanded">
                <Typography.Title level={5} className="ins-expanded__title">
                  {t('insuranceStaff.review.evidence')}
                </Typography.Title>
                <EvidenceTable evidence={a.evidence} testId="alert-evidence" />
                {a.settlementId && (
                  <Typography.Paragraph type="secondary" className="ins-expanded__ids">
                    {t('insuranceStaff.review.settlementValue', { id: a.settlementId })}
                  </Typography.Paragraph>
                )}
                {a.decisionNote && (
                  <Typography.Paragraph className="ins-expanded__ids" data-testid="alert-decision-note-shown">
                    {t('insuranceStaff.review.decisionNoteValue', { note: a.decisionNote })}
                  </Typography.Paragraph>
                )}
              </div>
            ),
          }}
          onRow={(a) =>
            ({
              'data-testid': 'alert-row',
              'data-rule': a.rule,
              'data-status': a.status,
            }) as HTMLAttributes<HTMLElement>
          }
          locale={{ emptyText: t('insuranceStaff.review.empty') }}
        />
        {cursor && (
          <div className="rec-more">
            <Button onClick={loadMore} loading={loading}>
              {t('insuranceStaff.common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <DecisionModal
        target={deciding}
        onClose={() => setDeciding(undefined)}
        onDone={() => {
          setDeciding(undefined);
          reload();
        }}
      />
    </div>
  );
}
