import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Switch, Table, type TableColumnsType, Tabs, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Presence, VisitPage, VisitView } from '../../../shared/visits.js';
import { post, put } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { useNow } from '../../components/useNow.js';
import { formatDateTime } from '../../format.js';
import { rowTestId } from '../scheduling/BookingsTable.js';
import { ChannelTag, GuardianTag, sexAge, VisitStatusTag, VisitTypeTag } from './tags.js';
import { visitError, visitErrorText } from './visitApi.js';

const POLL_MS = 10_000;

/** 即时问诊 on/off: while online, the department's on-demand visits come to this doctor's queue. */
function PresenceSwitch() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const presence = useApiData<Presence>('/practitioners/me/presence');
  const [saving, setSaving] = useState(false);
  const online = presence.data?.online ?? false;

  async function toggle(next: boolean) {
    setSaving(true);
    try {
      presence.setData(await put<Presence>('/practitioners/me/presence', { online: next }));
      message.success(t(next ? 'workstation.queue.wentOnline' : 'workstation.queue.wentOffline'));
    } catch (failure) {
      message.error(visitErrorText(failure, t));
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="presence" data-testid="presence">
      <Typography.Text strong>{t('workstation.queue.presence')}</Typography.Text>
      <Switch
        checked={online}
        loading={saving || (presence.data === undefined && presence.error === undefined)}
        onChange={toggle}
        checkedChildren={t('workstation.queue.online')}
        unCheckedChildren={t('workstation.queue.offline')}
        data-testid="presence-switch"
      />
      <Typography.Text type={online ? 'success' : 'secondary'} className="presence__hint">
        {presence.error
          ? visitErrorText(presence.error, t)
          : t(online ? 'workstation.queue.onlineHint' : 'workstation.queue.offlineHint')}
      </Typography.Text>
    </div>
  );
}

/** 12 分钟 / 1 小时 5 分 since the visit joined the queue. */
function waited(visit: VisitView, now: Date, t: TFunction): string {
  const since = new Date(visit.paidAt ?? visit.createdAt).getTime();
  const minutes = Math.max(0, Math.floor((now.getTime() - since) / 60_000));
  if (minutes < 60) return t('workstation.queue.minutes', { count: minutes });
  return t('workstation.queue.hoursMinutes', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

/**
 * 在线接诊: the on-demand switch, today's queue (waiting, booked and in-progress visits of mine and the
 * department's on-demand ones) with 接诊, and past visits. Refreshed every 10 seconds.
 */
export function QueuePage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const now = useNow(true, 30_000);
  const [tab, setTab] = useState<'queue' | 'history'>('queue');
  const [starting, setStarting] = useState<string>();
  const [refusal, setRefusal] = useState<{ name: string; title: string; detail?: string }>();
  const queue = useApiData<VisitPage>('/visits?scope=queue');
  const history = useApiData<VisitPage>(tab === 'history' ? '/visits?scope=history' : null);
  const reloadQueue = queue.reload;
  const reloadHistory = history.reload;

  useEffect(() => {
    const timer = window.setInterval(() => {
      reloadQueue();
      if (tab === 'history') reloadHistory();
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [tab, reloadQueue, reloadHistory]);

  async function start(visit: VisitView) {
    setStarting(visit.id);
    setRefusal(undefined);
    try {
      await post<VisitView>(`/visits/${visit.id}/start`);
      message.success(t('workstation.queue.started', { name: visit.patientName }));
      navigate(visit.id);
    } catch (failure) {
      setRefusal({ name: visit.patientName, ...visitError(failure, t) });
      reloadQueue();
    } finally {
      setStarting(undefined);
    }
  }

  const columns: TableColumnsType<VisitView> = [
    {
      title: t('workstation.queue.patient'),
      key: 'patient',
      render: (_, v) => (
        <span className="queue-patient">
          <Typography.Text strong>{v.patientName}</Typography.Text>
          {v.isMinor && (
            <Tag color="orange" className="queue-patient__minor">
              {t('workstation.minor')}
            </Tag>
          )}
          {v.queuePosition !== undefined && v.status === 'waiting' && (
            <Typography.Text type="secondary" className="queue-patient__position">
              {t('workstation.queue.position', { count: v.queuePosition })}
            </Typography.Text>
          )}
        </span>
      ),
    },
    { title: t('workstation.queue.sexAge'), key: 'sexAge', width: 100, render: (_, v) => sexAge(v, t) },
    {
      title: t('workstation.queue.type'),
      key: 'type',
      width: 96,
      render: (_, v) => <VisitTypeTag type={v.type} />,
    },
    {
      title: t('workstation.queue.channel'),
      key: 'channel',
      width: 72,
      render: (_, v) => <ChannelTag channel={v.channel} />,
    },
    {
      title: t('workstation.queue.condition'),
      key: 'condition',
      ellipsis: true,
      render: (_, v) => v.conditionName ?? v.description,
    },
    {
      title: t('workstation.queue.status'),
      key: 'status',
      width: 96,
      render: (_, v) => <VisitStatusTag status={v.status} />,
    },
    tab === 'queue'
      ? {
          title: t('workstation.queue.waited'),
          key: 'waited',
          width: 104,
          render: (_, v) => (v.status === 'waiting' ? waited(v, now, t) : '—'),
        }
      : {
          title: t('workstation.queue.endedAt'),
          key: 'ended',
          width: 124,
          render: (_, v) => {
            const at = v.endedAt ?? v.completedAt ?? v.createdAt;
            return formatDateTime(at, i18n.language);
          },
        },
    {
      title: t('workstation.queue.guardian'),
      key: 'guardian',
      width: 124,
      render: (_, v) => <GuardianTag visit={v} />,
    },
    {
      title: t('workstation.queue.actions'),
      key: 'actions',
      width: 88,
      render: (_, v) =>
        v.status === 'waiting' ? (
          <Button
            type="primary"
            size="small"
            loading={starting === v.id}
            onClick={() => start(v)}
            data-testid="visit-start"
          >
            {t('workstation.queue.start')}
          </Button>
        ) : (
          <Button size="small" onClick={() => navigate(v.id)} data-testid="visit-open">
            {t(v.status === 'in_progress' ? 'workstation.queue.open' : 'workstation.queue.view')}
          </Button>
        ),
    },
  ];

  const shown = tab === 'queue' ? queue : history;
  return (
    <div className="staff-page" data-testid="visit-queue">
      <Card
        variant="borderless"
        title={t('staff.cards.onlineVisits.title')}
        extra={<PresenceSwitch />}
        className="queue-card"
      >
        {refusal && (
          <Alert
            type="error"
            showIcon
            closable={{ onClose: () => setRefusal(undefined) }}
            className="queue-refusal"
            data-testid="start-refusal"
            title={`${t('workstation.queue.startRefused')}（${refusal.name}）：${refusal.title}`}
            description={refusal.detail}
          />
        )}
        {/* The refresh control sits beside the tab bar, not in antd's tabBarExtraContent: that renders
            inside the role="tablist", where only tabs may be (axe aria-required-children). */}
        <div className="queue-tabs">
          <Tabs
            activeKey={tab}
            onChange={(key) => setTab(key as 'queue' | 'history')}
            items={[
              {
                key: 'queue',
                label: (
                  <span data-testid="tab-queue">
                    {t('workstation.queue.tabQueue')}
                    {queue.data ? ` (${queue.data.items.length})` : ''}
                  </span>
                ),
              },
              {
                key: 'history',
                label: <span data-testid="tab-history">{t('workstation.queue.tabHistory')}</span>,
              },
            ]}
          />
          <span className="queue-refresh">
            <Typography.Text type="secondary">{t('workstation.queue.refreshHint')}</Typography.Text>
            <Button
              type="text"
              icon={<ReloadOutlined aria-hidden />}
              aria-label={t('workstation.queue.refresh')}
              onClick={() => (tab === 'queue' ? reloadQueue() : reloadHistory())}
            />
          </span>
        </div>
        <Table<VisitView>
          size="middle"
          rowKey="id"
          pagination={false}
          loading={shown.data === undefined && shown.error === undefined}
          dataSource={shown.data?.items}
          columns={columns}
          onRow={rowTestId('visit-row')}
          locale={{
            emptyText: shown.error
              ? visitErrorText(shown.error, t)
              : t(tab === 'queue' ? 'workstation.queue.empty' : 'workstation.queue.emptyHistory'),
          }}
        />
      </Card>
    </div>
  );
}
