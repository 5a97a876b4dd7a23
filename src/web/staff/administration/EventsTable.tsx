import { Button, Descriptions, Drawer, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEventView } from '../../../shared/administration.js';
import { useTableCaption } from '../records/captioned.js';
import { ActionCell, DetailsList, instant, OutcomeTag, RoleTag } from './parts.js';

/** The thing an event is about: 账号 1f3c…, 审计记录 … (`resourceType` named where known). */
export function ResourceCell({ event }: { event: AuditEventView }) {
  const { t, i18n } = useTranslation();
  if (!event.resourceType && !event.patient) return <span className="adm-muted">—</span>;
  const key = `administration.resources.${event.resourceType}`;
  return (
    <div>
      {event.resourceType && (
        <div>
          {i18n.exists(key) ? t(key as 'administration.resources.account') : event.resourceType}
          {event.resourceId && (
            <Typography.Text
              className="adm-mono adm-id"
              title={event.resourceId}
              data-testid="event-resource-id"
              data-id={event.resourceId}
            >
              {' '}
              {event.resourceId.length > 13 ? `${event.resourceId.slice(0, 8)}…` : event.resourceId}
            </Typography.Text>
          )}
        </div>
      )}
      {event.patient && (
        <div className="adm-sub">
          {t('administration.events.patientOf', { name: event.patient.name || event.patient.id.slice(0, 8) })}
        </div>
      )}
    </div>
  );
}

/**
 * Audit events newest first, as the administrators see them (the administrators' actions list and the audit
 * administrator's search): when, who in which role, what, about what, the outcome and the reason; a row opens
 * the whole event. `onActor`/`onPatient`: the search narrows to that person when given.
 */
export function EventsTable({
  events,
  loading,
  caption,
  emptyText,
  onActor,
  onPatient,
}: {
  events: AuditEventView[];
  loading: boolean;
  caption: string;
  emptyText: string;
  onActor?(actor: NonNullable<AuditEventView['actor']>): void;
  onPatient?(patient: NonNullable<AuditEventView['patient']>): void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<AuditEventView>();
  const components = useTableCaption(caption);

  const columns: TableColumnsType<AuditEventView> = [
    {
      title: t('administration.events.time'),
      key: 'time',
      width: 160,
      render: (_, e) => (
        <span className="nowrap adm-num" data-testid="event-time">
          {instant(e.occurredAt)}
        </span>
      ),
    },
    {
      title: t('administration.events.actor'),
      key: 'actor',
      width: 130,
      render: (_, e) =>
        e.actor ? (
          <div>
            <Typography.Text strong data-testid="event-actor">
              {e.actor.name}
            </Typography.Text>
            <div>{e.actorRole && <RoleTag role={e.actorRole} />}</div>
          </div>
        ) : (
          <span className="adm-muted" data-testid="event-actor">
            {t('administration.systemActor')}
          </span>
        ),
    },
    {
      title: t('administration.events.action'),
      key: 'action',
      width: 190,
      render: (_, e) => <ActionCell action={e.action} />,
    },
    {
      title: t('administration.events.resource'),
      key: 'resource',
      width: 140,
      render: (_, e) => <ResourceCell event={e} />,
    },
    {
      title: t('administration.events.outcome'),
      key: 'outcome',
      width: 84,
      render: (_, e) => <OutcomeTag outcome={e.outcome} />,
    },
    {
      title: t('administration.events.details'),
      key: 'details',
      render: (_, e) => <DetailsList details={e.details} limit={3} />,
    },
    {
      title: t('administration.events.open'),
      key: 'open',
      width: 64,
      render: (_, e) => (
        <Button
          type="link"
          size="small"
          onClick={() => setOpen(e)}
          aria-label={t('administration.events.openLabel', { id: e.id })}
          data-testid="event-open"
        >
          {t('administration.events.view')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <Table<AuditEventView>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={events}
        components={components}
        loading={loading}
        pagination={false}
        scroll={{ x: 960 }}
        onRow={(e) =>
          ({ 'data-testid': 'event-row', 'data-action': e.action }) as HTMLAttributes<HTMLElement>
        }
        locale={{ emptyText }}
      />
      <Drawer
        open={open !== undefined}
        size={560}
        title={t('administration.events.drawerTitle', { id: open?.id })}
        onClose={() => setOpen(undefined)}
        destroyOnHidden
      >
        {open && (
          <div data-testid="event-drawer">
            <Descriptions column={1} size="small" bordered className="adm-descriptions">
              <Descriptions.Item label={t('administration.events.id')}>
                <span className="adm-mono">{open.id}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.events.time')}>
                <span className="adm-num">{instant(open.occurredAt)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.events.actor')}>
                {open.actor ? (
                  <div className="adm-inline">
                    <span>{open.actor.name}</span>
                    {open.actorRole && <RoleTag role={open.actorRole} />}
                    {onActor && (
                      <Button
                        size="small"
                        type="link"
                        onClick={() => {
                          if (open.actor) onActor(open.actor);
                          setOpen(undefined);
                        }}
                      >
                        {t('administration.events.byThisActor')}
                      </Button>
                    )}
                  </div>
                ) : (
                  t('administration.systemActor')
                )}
                {open.actor && <div className="adm-mono adm-sub">{open.actor.id}</div>}
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.events.action')}>
                <ActionCell action={open.action} />
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.events.outcome')}>
                <OutcomeTag outcome={open.outcome} />
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.events.resource')}>
                {open.resourceType ?? '—'}
                {open.resourceId && <div className="adm-mono adm-sub">{open.resourceId}</div>}
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.events.patient')}>
                {open.patient ? (
                  <div className="adm-inline">
                    <span>{open.patient.name}</span>
                    {onPatient && (
                      <Button
                        size="small"
                        type="link"
                        onClick={() => {
                          if (open.patient) onPatient(open.patient);
                          setOpen(undefined);
                        }}
                      >
                        {t('administration.events.byThisPatient')}
                      </Button>
                    )}
                  </div>
                ) : (
                  '—'
                )}
                {open.patient && <div className="adm-mono adm-sub">{open.patient.id}</div>}
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.events.ip')}>
                <span className="adm-mono">{open.ip ?? '—'}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.events.sealed')}>
                {open.sealed ? (
                  <Tag color="success">{t('administration.events.sealedYes')}</Tag>
                ) : (
                  <Tag color="processing">{t('administration.events.sealedNo')}</Tag>
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('administration.events.details')}>
                <DetailsList details={open.details} />
              </Descriptions.Item>
            </Descriptions>
          </div>
        )}
      </Drawer>
    </>
  );
}
