import { Button, Card, Select, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';
import {
  VISIT_STATUSES,
  VISIT_TYPES,
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
import './oversight.css';

/** How far back the date filter reaches. */
const LOOK_BACK_DAYS = 366;

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

interface VisitPage {
  items: VisitView[];
  nextCursor?: string | null;
}

interface Filters {
  status?: VisitStatus;
  type?: VisitType;
  from?: string;
  to?: string;
}

function query(scope: 'institution' | 'region', filters: Filters, cursor?: string): string {
  const params = new URLSearchParams({ scope });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (cursor) params.set('cursor', cursor);
  return `/visits?${params.toString()}`;
}

/**
 * The filters again on what came back: the API filters by status today; type and dates are sent too and
 * checked here, so the list is right whichever of them the server applies.
 */
function matches(visit: VisitView, filters: Filters): boolean {
  const day = shanghaiDate(visit.createdAt);
  return (
    (!filters.status || visit.status === filters.status) &&
    (!filters.type || visit.type === filters.type) &&
    (!filters.from || day >= filters.from) &&
    (!filters.to || day <= filters.to)
  );
}

/**
 * 问诊监管 (VISIT-5): the online visits of the admin's institution, or of the whole district for the
 * regulator, filtered by status, type and date; each opens its timeline.
 */
export function VisitOversightPage() {
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
  const visits = pages.flatMap((p) => p.items).filter((v) => matches(v, filters));
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
      title: t('oversight.visits.createdAt'),
      key: 'createdAt',
      width: 120,
      render: (_, v) => <span className="nowrap">{formatDateTime(v.createdAt, i18n.language)}</span>,
    },
    {
      title: t('oversight.visits.type'),
      key: 'type',
      render: (_, v) => (
        <span className="nowrap visit-type-cell">
          <VisitTypeTag type={v.type} />
          {v.channel === 'video' && <Tag variant="filled">{t('oversight.channel.video')}</Tag>}
        </span>
      ),
    },
    {
      title: t('oversight.visits.patient'),
      key: 'patient',
      render: (_, v) => (
        <div>
          <Typography.Text>{v.patientName}</Typography.Text>
          <div className="cell-sub">
            {t('oversight.visits.patientAge', { sex: t(`patient.sex.${v.patientSex}`), age: v.patientAge })}
            {v.isMinor && (
              <Tag color="orange" variant="filled" className="cell-sub__tag">
                {t('oversight.visits.minor')}
              </Tag>
            )}
          </div>
        </div>
      ),
    },
    {
      title: t('oversight.visits.doctor'),
      key: 'doctor',
      render: (_, v) =>
        v.doctorName ? (
          <div>
            <Typography.Text>{v.doctorName}</Typography.Text>
            {v.doctorTitle && <div className="cell-sub">{v.doctorTitle}</div>}
          </div>
        ) : (
          <Typography.Text type="secondary">{t('oversight.visits.unassigned')}</Typography.Text>
        ),
    },
    {
      title: region ? t('oversight.visits.institution') : t('oversight.visits.department'),
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
      title: t('oversight.visits.status'),
      key: 'status',
      render: (_, v) => <VisitStatusTag status={v.status} />,
    },
    {
      title: t('oversight.visits.fee'),
      key: 'fee',
      align: 'right',
      render: (_, v) => formatYuan(v.feeFen),
    },
    {
      title: t('oversight.visits.actions'),
      key: 'actions',
      width: 88,
      render: (_, v) => (
        <Button type="link" size="small" onClick={() => setViewing(v)} data-testid="visit-timeline-open">
          {t('oversight.visits.timeline')}
        </Button>
      ),
    },
  ];

  return (
    <div className="staff-page" data-testid="visit-oversight">
      <Card
        variant="borderless"
        title={t('staff.cards.visitOversight.title')}
        extra={
          <Typography.Text type="secondary">
            {region ? t('oversight.visits.regionHint') : t('oversight.visits.institutionHint')}
          </Typography.Text>
        }
      >
        <div className="oversight-toolbar">
          <Select<VisitStatus>
            className="oversight-toolbar__select"
            allowClear
            placeholder={t('oversight.visits.allStatuses')}
            value={filters.status}
            onChange={(status) => set({ status })}
            options={VISIT_STATUSES.map((s) => ({ value: s, label: t(`oversight.visitStatus.${s}`) }))}
            data-testid="visit-status-filter"
          />
          <Select<VisitType>
            className="oversight-toolbar__select"
            allowClear
            placeholder={t('oversight.visits.allTypes')}
            value={filters.type}
            onChange={(type) => set({ type })}
            options={VISIT_TYPES.map((type) => ({ value: type, label: t(`oversight.visitType.${type}`) }))}
            data-testid="visit-type-filter"
          />
          <span className="oversight-toolbar__dates">
            <DaySelect
              className="oversight-toolbar__day"
              allowClear
              from={addDays(today, 1 - LOOK_BACK_DAYS)}
              days={LOOK_BACK_DAYS}
              descending
              placeholder={t('oversight.visits.from')}
              aria-label={t('oversight.visits.from')}
              value={filters.from}
              onChange={(from) => set({ from })}
              data-testid="visit-from"
            />
            <span className="oversight-toolbar__dash">–</span>
            <DaySelect
              className="oversight-toolbar__day"
              allowClear
              from={filters.from ?? addDays(today, 1 - LOOK_BACK_DAYS)}
              days={filters.from ? daysBetween(filters.from, today) + 1 : LOOK_BACK_DAYS}
              descending
              placeholder={t('oversight.visits.to')}
              aria-label={t('oversight.visits.to')}
              value={filters.to}
              onChange={(to) => set({ to })}
              data-testid="visit-to"
            />
          </span>
          <Button onClick={() => setFilters({})} disabled={Object.values(filters).every((v) => !v)}>
            {t('oversight.visits.reset')}
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
          locale={{ emptyText: first.error ? errorText(first.error, t) : t('oversight.visits.empty') }}
        />
        {cursor && (
          <div className="oversight-more">
            <Button onClick={loadMore} loading={loadingMore}>
              {t('oversight.visits.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <VisitTimelineDrawer visit={viewing} onClose={() => setViewing(undefined)} />
    </div>
  );
}
