import { CheckCircleFilled, MinusCircleFilled, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Select,
  Table,
  type TableColumnsType,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { type HTMLAttributes, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { Hl7FeedStatus, Hl7MessageView } from '../../../shared/records.js';
import { get } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { CardHeading, Section, useTableCaption } from '../records/captioned.js';
import { dateTime } from '../records/results.js';
import { DeadLetterDrawer } from './DeadLetterDrawer.js';
import { STATUS_COLOUR } from './hl7.js';
import { MatchQueue } from './MatchQueue.js';
import '../records/records.css';
import './hl7.css';

type Feed = Hl7FeedStatus['feeds'][number];
type MessageStatus = Hl7MessageView['status'];
const STATUSES: MessageStatus[] = ['dead', 'held', 'applied', 'replayed', 'discarded'];

/** 接口状态: whether the MLLP listener runs, on which port, and each feed's traffic. */
function FeedStatus({ version }: { version: number }) {
  const { t } = useTranslation();
  const status = useApiData<Hl7FeedStatus>('/hl7/status');
  const reload = status.reload;
  // A replay, a discard or a match changes the counts.
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  const components = useTableCaption(t('recordsStaff.hl7.feedsCaption'));
  const s = status.data;
  const columns: TableColumnsType<Feed> = [
    {
      title: t('recordsStaff.hl7.sendingFacility'),
      key: 'facility',
      render: (_, f) => <span className="rec-mono">{f.sendingFacility}</span>,
    },
    { title: t('recordsStaff.hl7.institution'), dataIndex: 'institutionName', key: 'institution' },
    {
      title: t('recordsStaff.hl7.lastReceived'),
      key: 'last',
      render: (_, f) =>
        f.lastReceivedAt ? (
          <span className="nowrap">{dateTime(f.lastReceivedAt)}</span>
        ) : (
          <Typography.Text type="secondary">{t('recordsStaff.hl7.never')}</Typography.Text>
        ),
    },
    { title: t('recordsStaff.hl7.applied24h'), dataIndex: 'applied24h', key: 'applied', align: 'right' },
    {
      title: t('recordsStaff.hl7.dead'),
      key: 'dead',
      align: 'right',
      render: (_, f) =>
        f.dead > 0 ? (
          <Typography.Text type="danger" strong>
            {f.dead}
          </Typography.Text>
        ) : (
          0
        ),
    },
    {
      title: t('recordsStaff.hl7.held'),
      key: 'held',
      align: 'right',
      render: (_, f) =>
        f.held > 0 ? (
          <Typography.Text type="warning" strong>
            {f.held}
          </Typography.Text>
        ) : (
          0
        ),
    },
  ];
  return (
    <Section
      title={t('recordsStaff.hl7.status')}
      level={3}
      testId="hl7-status"
      extra={
        <Button icon={<ReloadOutlined aria-hidden />} onClick={status.reload}>
          {t('recordsStaff.hl7.refresh')}
        </Button>
      }
    >
      {status.error !== undefined && (
        <Alert type="error" showIcon className="rec-page-alert" title={errorText(status.error, t)} />
      )}
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2 }}
        className="hl7-status__facts"
        items={[
          {
            key: 'listening',
            label: t('recordsStaff.hl7.listening'),
            children: s ? (
              s.listening ? (
                <Tag color="success" icon={<CheckCircleFilled aria-hidden />} data-testid="hl7-listening">
                  {t('recordsStaff.hl7.listeningOn')}
                </Tag>
              ) : (
                <Tag icon={<MinusCircleFilled aria-hidden />} data-testid="hl7-listening">
                  {t('recordsStaff.hl7.listeningOff')}
                </Tag>
              )
            ) : (
              '—'
            ),
          },
          {
            key: 'port',
            label: t('recordsStaff.hl7.port'),
            children: s ? (s.port ?? t('recordsStaff.hl7.noPort')) : '—',
          },
        ]}
      />
      <Table<Feed>
        rowKey="sendingFacility"
        size="small"
        columns={columns}
        dataSource={s?.feeds ?? []}
        components={components}
        loading={s === undefined && status.error === undefined}
        pagination={false}
        scroll={{ x: 720 }}
        onRow={() => ({ 'data-testid': 'hl7-feed' }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: t('recordsStaff.hl7.noFeeds') }}
      />
    </Section>
  );
}

const messagesPath = (status: MessageStatus, before?: string) =>
  `/hl7/messages?status=${status}&limit=30${before ? `&before=${encodeURIComponent(before)}` : ''}`;

/** 死信 (and the other statuses on request): type, control id, error, received; each opens its drawer. */
function Messages({ onChanged }: { onChanged(): void }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<MessageStatus>('dead');
  const first = useApiData<Page<Hl7MessageView>>(messagesPath(status));
  const [more, setMore] = useState<Page<Hl7MessageView>[]>([]);
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<string>();
  const statusName = t(`recordsStaff.hl7.messageStatus.${status}`);
  const components = useTableCaption(t('recordsStaff.hl7.messagesCaption', { status: statusName }));
  const pages = first.data ? [first.data, ...more] : [];
  const messages = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  // Another status starts from its first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `status` is the trigger.
  useEffect(() => setMore([]), [status]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const next = await get<Page<Hl7MessageView>>(messagesPath(status, cursor));
      setMore((loaded) => [...loaded, next]);
    } finally {
      setLoading(false);
    }
  }

  const columns: TableColumnsType<Hl7MessageView> = [
    {
      title: t('recordsStaff.hl7.type'),
      key: 'type',
      render: (_, m) => (
        <div>
          <span className="rec-mono">{m.messageType}</span>
          <div className="rec-sub">{m.sendingFacility}</div>
        </div>
      ),
    },
    {
      title: t('recordsStaff.hl7.controlId'),
      key: 'controlId',
      render: (_, m) => <span className="rec-mono">{m.controlId}</span>,
    },
    {
      title: t('recordsStaff.hl7.error'),
      key: 'error',
      render: (_, m) =>
        m.errorCode ? (
          <div className="hl7-error">
            <span className="hl7-error__code rec-mono">
              {m.ackCode} · {m.errorCode}
            </span>
            {m.errorDetail && <div className="rec-sub">{m.errorDetail}</div>}
          </div>
        ) : (
          <Tag color={STATUS_COLOUR[m.status]}>{t(`recordsStaff.hl7.messageStatus.${m.status}`)}</Tag>
        ),
    },
    {
      title: t('recordsStaff.hl7.receivedAt'),
      key: 'receivedAt',
      render: (_, m) => <span className="nowrap">{dateTime(m.receivedAt)}</span>,
    },
    {
      title: t('recordsStaff.hl7.attempts'),
      dataIndex: 'attempts',
      key: 'attempts',
      align: 'right',
      width: 90,
    },
    {
      title: t('recordsStaff.hl7.actions'),
      key: 'actions',
      width: 80,
      render: (_, m) => (
        <Button
          type="link"
          size="small"
          autoInsertSpace={false}
          onClick={() => setOpen(m.id)}
          aria-label={t('recordsStaff.hl7.viewLabel', { controlId: m.controlId })}
          data-testid="hl7-message-open"
        >
          {t('recordsStaff.hl7.view')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="hl7-messages">
      <div className="hl7-toolbar">
        <Select<MessageStatus>
          className="hl7-toolbar__status"
          aria-label={t('recordsStaff.hl7.statusFilter')}
          value={status}
          onChange={setStatus}
          options={STATUSES.map((s) => ({ value: s, label: t(`recordsStaff.hl7.messageStatus.${s}`) }))}
          data-testid="hl7-status-filter"
        />
        <Button icon={<ReloadOutlined aria-hidden />} onClick={first.reload}>
          {t('recordsStaff.hl7.refresh')}
        </Button>
      </div>
      {first.error !== undefined && (
        <Alert type="error" showIcon className="rec-page-alert" title={errorText(first.error, t)} />
      )}
      <Table<Hl7MessageView>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={messages}
        components={components}
        loading={first.data === undefined && first.error === undefined}
        pagination={false}
        scroll={{ x: 860 }}
        onRow={(m) =>
          ({
            'data-testid': 'hl7-message-row',
            'data-control-id': m.controlId,
          }) as HTMLAttributes<HTMLElement>
        }
        locale={{ emptyText: t('recordsStaff.hl7.noMessages') }}
      />
      {cursor && (
        <div className="rec-more">
          <Button onClick={loadMore} loading={loading}>
            {t('recordsStaff.hl7.loadMore')}
          </Button>
        </div>
      )}
      <DeadLetterDrawer
        messageId={open}
        onClose={() => setOpen(undefined)}
        onChanged={() => {
          setMore([]);
          first.reload();
          onChanged();
        }}
      />
    </div>
  );
}

/**
 * HL7 接口 (/admin/hl7): the feed status, the dead letters to fix and replay (never dropped), and the
 * queue of incoming people no resident ID matched, to match, create or reject.
 */
export function Hl7Page() {
  const { t } = useTranslation();
  const [tab, setTab] = useState('messages');
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  return (
    <div className="staff-page" data-testid="hl7-page">
      <Card variant="borderless" title={<CardHeading>{t('staff.cards.hl7.title')}</CardHeading>}>
        <FeedStatus version={version} />
        <Tabs
          activeKey={tab}
          onChange={setTab}
          aria-label={t('recordsStaff.hl7.tabsLabel')}
          items={[
            {
              key: 'messages',
              label: t('recordsStaff.hl7.tabs.messages'),
              children: <Messages onChanged={changed} />,
            },
            {
              key: 'matches',
              label: t('recordsStaff.hl7.tabs.matches'),
              children: <MatchQueue onChanged={changed} />,
            },
          ]}
        />
      </Card>
    </div>
  );
}
