import { Button, Card, Select, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';
import {
  VISIT_STATUSES,
  VISIT_TYPES,
  type VisitListQuery,
  type VisitPage,
  type VisitStatus,
  type VisitType,
  type VisitView,
} from '../../../shared/visits.js';
import { get } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { addDays, formatDateTime, formatYuan, shanghaiDate } from '../../format.js';
import { rowTestId } from '../scheduling/BookingsTable.js';
import { DaySelect } from './DaySelect.js';
import { VisitStatusTag, VisitTypeTag } from './tags.js';
import { VisitTimelineDrawer } from './VisitTimelineDrawer.js';
import './supervision.css';

/** How far back the date filter reaches. */
const LOOK_BACK_DAYS = 366;

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** What the filters send: the API filters by status, type and creation day (Asia/Shanghai). */
type Filters = Pick<VisitListQuery, 'status' | 'type' | 'from' | 'to'>;

/** One page of the list; the next page is asked for with `before` = the previous page's nextCursor. */
function query(scope: 'institution' | 'region', filters: Filters, before?: string): string {
  const params = new URLSearchParams({ scope });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (before) params.set('before', before);
  return `/visits?${params.toString()}`;
}

/**
 * 问诊监管 (VISIT-5): the online visits of the admin's institution, or of the whole district for the
 * regulator, filtered by status, type and date; each opens its timeline.
 */
export function VisitSupervisionPage() {
  const { t, i18n } = useTranslation();
  const region = useLocation().pathname.startsWith('/regulator');
  const scope = region ? 'region' : 'institution';
  const today = shanghaiDate();
  const [filters, setFilters] = useState<Filters>({});
  const first = useApiData<VisitPage>(query(scope, filters));
  const [more, setMore] = useState<VisitPage[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [viewing, setViewing] = useState<VisitView>();
  const pages = first.data ? [first.data, ...more] : [];
  const visits = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  // New filters start again from the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `filters` is the trigger.
  useEffect(() => setMore([]), [filters]);

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const next = await get<VisitPage>(query(scope, filters, cursor));
      setMore((loaded) => [...loaded, next]);
    } finally {
      setLoadingMore(false);
    }
  }

  const set = (patch: Filters) => setFilters((current) => ({ ...current, ...patch }));

  const columns: TableColumnsType<VisitView> = [
    {
      title: t('supervision.visits.createdAt'),
      key: 'createdAt',
      width: 120,
      render: (_, v) => <span className="nowrap">{formatDateTime(v.createdAt, i18n.language)}</span>,
    },
    {
      title: t('supervision.visits.type'),
      key: 'type',
      render: (_, v) => (
        <span className="nowrap visit-type-cell">
          <VisitTypeTag type={v.type} />
          {v.channel === 'video' && <Tag variant="filled">{t('supervision.channel.video')}</Tag>}
        </span>
      ),
    },
    {
      title: t('supervision.visits.patient'),
      key: 'patient',
      render: (_, v) => (
        <div>
          <Typography.Text>{v.patientName}</Typography.Text>
          <div className="cell-sub">
            {t('supervision.visits.patientAge', { sex: t(`patient.sex.${v.patientSex}`), age: v.patientAge })}
            {v.isMinor && (
              <Tag color="orange" variant="filled" className="cell-sub__tag">
                {t('supervision.visits.minor')}
              </Tag>
            )}
          </div>
        </div>
      ),
    },
    {
      title: t('supervision.visits.doctor'),
      key: 'doctor',
      render: (_, v) =>
        v.doctorName ? (
          <div>
            <Typography.Text>{v.doctorName}</Typography.Text>
            {v.doctorTitle && <div className="cell-sub">{v.doctorTitle}</div>}
          </div>
        ) : (
          <Typography.Text type="secondary">{t('supervision.visits.unassigned')}</Typography.Text>
        ),
    },
    {
      title: region ? t('supervision.visits.institution') : t('supervision.visits.department'),
      key: 'department',
      render: (_, v) =>
        region ? (
          <div>
            <Typography.Text>{v.institutionName}</Typography.Text>
            <div className="cell-sub">{v.departmentName}</div>
          </div>
        ) : (
          v.departmentName
        ),
    },
    {
      title: t('supervision.visits.status'),
      key: 'status',
      render: (_, v) => <VisitStatusTag status={v.status} />,
    },
    {
      title: t('supervision.visits.fee'),
      key: 'fee',
      align: 'right',
      render: (_, v) => formatYuan(v.feeFen),
    },
    {
      title: t('supervision.visits.actions'),
      key: 'actions',
      width: 88,
      render: (_, v) => (
        <Button type="link" size="small" onClick={() => setViewing(v)} data-testid="visit-timeline-open">
          {t('supervision.visits.timeline')}
        </Button>
      ),
    },
  ];

  return (
    <div className="staff-page" data-testid="visit-supervision">
      <Card
        variant="borderless"
        title={t('staff.cards.visitSupervision.title')}
        extra={
          <Typography.Text type="secondary">
            {region ? t('supervision.visits.regionHint') : t('supervision.visits.institutionHint')}
          </Typography.Text>
        }
      >
        <div className="supervision-toolbar">
          <Select<VisitStatus>
            className="supervision-toolbar__select"
            allowClear
            placeholder={t('supervision.visits.allStatuses')}
            aria-label={t('supervision.visits.allStatuses')}
            value={filters.status}
            onChange={(status) => set({ status })}
            options={VISIT_STATUSES.map((s) => ({ value: s, label: t(`supervision.visitStatus.${s}`) }))}
            data-testid="visit-status-filter"
          />
          <Select<VisitType>
            className="supervision-toolbar__select"
            allowClear
            placeholder={t('supervision.visits.allTypes')}
            aria-label={t('supervision.visits.allTypes')}
            value={filters.type}
            onChange={(type) => set({ type })}
            options={VISIT_TYPES.map((type) => ({ value: type, label: t(`supervision.visitType.${type}`) }))}
            data-testid="visit-type-filter"
          />
          <span className="supervision-toolbar__dates">
            <DaySelect
              className="supervision-toolbar__day"
              allowClear
              from={addDays(today, 1 - LOOK_BACK_DAYS)}
              days={LOOK_BACK_DAYS}
              descending
              placeholder={t('supervision.visits.from')}
              aria-label={t('supervision.visits.from')}
              value={filters.from}
              onChange={(from) => set({ from })}
              data-testid="visit-from"
            />
            <span className="supervision-toolbar__dash">–</span>
            <DaySelect
              className="supervision-toolbar__day"
              allowClear
              from={filters.from ?? addDays(today, 1 - LOOK_BACK_DAYS)}
              days={filters.from ? daysBetween(filters.from, today) + 1 : LOOK_BACK_DAYS}
              descending
              placeholder={t('supervision.visits.to')}
              aria-label={t('supervision.visits.to')}
              value={filters.to}
              onChange={(to) => set({ to })}
              data-testid="visit-to"
            />
          </span>
          <Button onClick={() => setFilters({})} disabled={Object.values(filters).every((v) => !v)}>
            {t('supervision.visits.reset')}
          </Button>
        </div>
        <Table<VisitView>
          rowKey="id"
          size="middle"
          pagination={false}
          loading={first.data === undefined && first.error === undefined}
          dataSource={visits}
          columns={columns}
          onRow={rowTestId('visit-row')}
          scroll={{ x: 980 }}
          locale={{ emptyText: first.error ? errorText(first.error, t) : t('supervision.visits.empty') }}
        />
        {cursor && (
          <div className="supervision-more">
            <Button onClick={loadMore} loading={loadingMore}>
              {t('supervision.visits.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <VisitTimelineDrawer visit={viewing} onClose={() => setViewing(undefined)} />
    </div>
  );
}
