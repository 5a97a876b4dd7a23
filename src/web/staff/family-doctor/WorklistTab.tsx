import { Alert, App, Badge, Button, Empty, Spin, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertView, FollowupView, Worklist } from '../../../shared/family-doctor.js';
import { post } from '../../api.js';
import type { ApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { useTableCaption } from '../records/captioned.js';
import { dateTime, readingText } from './parts.js';
import type { ResidentRef } from './ResidentDrawer.js';

const LEVEL_COLOR: Record<AlertView['level'], string> = {
  urgent: 'red',
  refer: 'orange',
  uncontrolled: 'gold',
};

/** 预警: one block per alert, urgent red and refer orange, with the reading that raised it and 处理. */
function AlertItem({ alert, onOpen, onHandled }: { alert: AlertView; onOpen(): void; onHandled(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function handle() {
    setBusy(true);
    setError(undefined);
    try {
      await post(`/family-doctor/alerts/${alert.id}/handle`, {});
      void message.success(t('fdStaff.worklist.handled'));
      onHandled();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li
      className={`fd-alert fd-alert--${alert.level}`}
      data-testid="fd-alert"
      data-level={alert.level}
      data-id={alert.id}
    >
      <div className="fd-alert__main">
        <Tag color={LEVEL_COLOR[alert.level]} className="fd-alert__level">
          {t(`fdStaff.alertLevel.${alert.level}`)}
        </Tag>
        <Button type="link" className="fd-link" onClick={onOpen} data-testid="fd-alert-patient">
          {alert.patientName}
        </Button>
        {alert.reading && (
          <strong className="fd-alert__value" data-testid="fd-alert-reading">
            {readingText(alert.reading, t)}
          </strong>
        )}
        <span>{alert.reason}</span>
        <span className="fd-muted">{dateTime(alert.reading?.measuredAt ?? alert.createdAt)}</span>
      </div>
      <Button
        type={alert.level === 'urgent' ? 'primary' : 'default'}
        danger={alert.level === 'urgent'}
        loading={busy}
        onClick={() => void handle()}
        autoInsertSpace={false}
        aria-label={t('fdStaff.worklist.handleLabel', { name: alert.patientName })}
        data-testid="fd-alert-handle"
      >
        {t('fdStaff.worklist.handle')}
      </Button>
      {error !== undefined && (
        <Alert type="error" showIcon className="fd-alert__error" title={errorText(error, t)} />
      )}
    </li>
  );
}

function FollowupTable({
  items,
  caption,
  testId,
  onOpen,
  onFollowup,
}: {
  items: FollowupView[];
  caption: string;
  testId: string;
  onOpen(r: ResidentRef): void;
  onFollowup(f: FollowupView): void;
}) {
  const { t } = useTranslation();
  const components = useTableCaption(caption);
  const columns: TableColumnsType<FollowupView> = [
    {
      title: t('fdStaff.worklist.patient'),
      key: 'patient',
      render: (_, f) => (
        <Button
          type="link"
          className="fd-link"
          onClick={() => onOpen({ patientId: f.patientId, name: f.patientName })}
        >
          {f.patientName}
        </Button>
      ),
    },
    { title: t('fdStaff.worklist.item'), key: 'title', render: (_, f) => f.title },
    {
      title: t('fdStaff.worklist.reason'),
      key: 'reason',
      render: (_, f) => (
        <Tag
          color={
            f.reason === 'urgent'
              ? 'red'
              : f.reason === 'refer'
                ? 'orange'
                : f.reason === 'adjust'
                  ? 'gold'
                  : 'default'
          }
        >
          {t(`fdStaff.followupReason.${f.reason}`)}
        </Tag>
      ),
    },
    {
      title: t('fdStaff.worklist.due'),
      key: 'due',
      render: (_, f) => (
        <span className="nowrap">
          {f.dueOn}
          {f.overdue && (
            <Tag color="red" className="fd-inline-tag">
              {t('fdStaff.worklist.overdueTag')}
            </Tag>
          )}
        </span>
      ),
    },
    {
      title: t('fdStaff.worklist.actions'),
      key: 'actions',
      width: 100,
      render: (_, f) => (
        <Button
          size="small"
          type="primary"
          onClick={() => onFollowup(f)}
          autoInsertSpace={false}
          aria-label={t('fdStaff.worklist.followupLabel', { name: f.patientName })}
          data-testid="fd-followup-open"
        >
          {t('fdStaff.worklist.followup')}
        </Button>
      ),
    },
  ];
  return (
    <Table<FollowupView>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={items}
      components={components}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      onRow={(f) =>
        ({ 'data-testid': testId, 'data-patient-id': f.patientId }) as HTMLAttributes<HTMLElement>
      }
      locale={{ emptyText: t('fdStaff.worklist.emptyFollowups') }}
    />
  );
}

/**
 * 工作清单 (FD-7, FD-8): the team's alerts first (urgent first), then overdue follow-ups, then those due
 * within the next 14 days. The counts are the tab's badges.
 */
export function WorklistTab({
  worklist,
  onOpen,
  onFollowup,
}: {
  worklist: ApiData<Worklist>;
  onOpen(r: ResidentRef): void;
  onFollowup(f: FollowupView): void;
}) {
  const { t } = useTranslation();
  const data = worklist.data;
  if (worklist.error !== undefined)
    return <Alert type="error" showIcon title={errorText(worklist.error, t)} />;
  if (!data) return <Spin className="staff-page__spin" />;
  const heading = (
    key: 'fdStaff.worklist.alerts' | 'fdStaff.worklist.overdue' | 'fdStaff.worklist.dueSoon',
    count: number,
    color: string,
  ) => (
    <Typography.Title level={3} className="fd-h">
      {t(key)} <Badge count={count} showZero color={color} />
    </Typography.Title>
  );
  return (
    <div data-testid="fd-worklist">
      <section aria-label={t('fdStaff.worklist.alerts')}>
        {heading('fdStaff.worklist.alerts', data.counts.alerts, '#cf1322')}
        {data.alerts.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('fdStaff.worklist.noAlerts')} />
        ) : (
          <ul className="fd-alerts">
            {data.alerts.map((a) => (
              <AlertItem
                key={a.id}
                alert={a}
                onOpen={() => onOpen({ patientId: a.patientId, name: a.patientName })}
                onHandled={worklist.reload}
              />
            ))}
          </ul>
        )}
      </section>
      <section aria-label={t('fdStaff.worklist.overdue')}>
        {heading('fdStaff.worklist.overdue', data.counts.overdue, '#d4380d')}
        <FollowupTable
          items={data.overdue}
          caption={t('fdStaff.worklist.overdue')}
          testId="fd-overdue-row"
          onOpen={onOpen}
          onFollowup={onFollowup}
        />
      </section>
      <section aria-label={t('fdStaff.worklist.dueSoon')}>
        {heading('fdStaff.worklist.dueSoon', data.counts.due, '#0c7a7c')}
        <FollowupTable
          items={data.due}
          caption={t('fdStaff.worklist.dueSoon')}
          testId="fd-due-row"
          onOpen={onOpen}
          onFollowup={onFollowup}
        />
      </section>
    </div>
  );
}
