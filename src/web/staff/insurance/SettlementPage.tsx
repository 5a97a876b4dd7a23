import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Select, Spin, Table, type TableColumnsType, Typography } from 'antd';
import { type HTMLAttributes, lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { FundStats, Settlement } from '../../../shared/insurance.js';
import { get } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { addDays, formatYuan, shanghaiDate } from '../../format.js';
import { CardHeading, useTableCaption } from '../records/captioned.js';
import { DaySelect } from '../supervision/DaySelect.js';
import { formatInstant } from '../supervision/format.js';
import { SchemeTag, SettlementStatusTag, SplitLinesTable, useInstitutionOptions } from './InsurerParts.js';
import '../records/records.css';
import '../supervision/supervision.css';
import './insurance.css';

// ECharts comes with the statistics only, not with the console.
const FundCharts = lazy(() => import('./FundCharts.js'));

/** How far back the day filters reach. */
const LOOK_BACK_DAYS = 731;

interface Filters {
  date?: string;
  institutionId?: string;
}

function query(filters: Filters, cursor?: string): string {
  const params = new URLSearchParams({ limit: '50' });
  if (filters.date) params.set('date', filters.date);
  if (filters.institutionId) params.set('institutionId', filters.institutionId);
  if (cursor) params.set('cursor', cursor);
  return `/insurance/settlements?${params.toString()}`;
}

/** 基金支付统计: the charts for a period (from the first of the year to today unless chosen). */
function FundStatsCard() {
  const { t } = useTranslation();
  const today = shanghaiDate();
  const [from, setFrom] = useState(`${today.slice(0, 4)}-01-01`);
  const [to, setTo] = useState(today);
  const stats = useApiData<FundStats>(`/insurance/stats?from=${from}&to=${to}`);
  const first = addDays(today, -(LOOK_BACK_DAYS - 1));
  // Months without settlements come as zeros: the period is empty when no institution settled anything.
  const empty = stats.data?.byInstitution.every((i) => i.settlements === 0);

  return (
    <Card
      variant="borderless"
      className="ins-card"
      title={<CardHeading>{t('insuranceStaff.stats.title')}</CardHeading>}
      data-testid="fund-stats"
    >
      <div className="supervision-toolbar">
        <span className="supervision-toolbar__dates">
          <DaySelect
            className="supervision-toolbar__day"
            aria-label={t('insuranceStaff.stats.from')}
            from={first}
            days={LOOK_BACK_DAYS}
            descending
            value={from}
            onChange={(value) => value && setFrom(value)}
            data-testid="stats-from"
          />
          <span className="supervision-toolbar__dash">–</span>
          <DaySelect
            className="supervision-toolbar__day"
            aria-label={t('insuranceStaff.stats.to')}
            from={first}
            days={LOOK_BACK_DAYS}
            descending
            value={to}
            onChange={(value) => value && setTo(value)}
            data-testid="stats-to"
          />
        </span>
      </div>
      {stats.error !== undefined ? (
        <Alert type="error" showIcon title={errorText(stats.error, t)} />
      ) : !stats.data ? (
        <Spin className="staff-page__spin" />
      ) : empty ? (
        <Typography.Paragraph type="secondary" data-testid="fund-stats-empty">
          {t('insuranceStaff.stats.empty')}
        </Typography.Paragraph>
      ) : (
        <Suspense fallback={<Spin className="staff-page__spin" />}>
          <FundCharts stats={stats.data} />
        </Suspense>
      )}
    </Card>
  );
}

/**
 * 医保结算 (/insurer/settlement): the settlements (by day and institution), each expandable to its split per
 * line, and the fund's spending charts.
 */
export function InsuranceSettlementPage() {
  const { t } = useTranslation();
  const today = shanghaiDate();
  const institutions = useInstitutionOptions();
  const [filters, setFilters] = useState<Filters>({});
  const first = useApiData<Page<Settlement>>(query(filters));
  const [more, setMore] = useState<Page<Settlement>[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const components = useTableCaption(t('insuranceStaff.settlement.caption'));
  const pages = first.data ? [first.data, ...more] : [];
  const settlements = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  // New filters start again from the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `filters` is the trigger.
  useEffect(() => setMore([]), [filters]);

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const next = await get<Page<Settlement>>(query(filters, cursor));
      setMore((loaded) => [...loaded, next]);
    } finally {
      setLoadingMore(false);
    }
  }

  function reload() {
    setMore([]);
    first.reload();
  }

  const money = (fen: number) => <span className="ins-money">{formatYuan(fen)}</span>;
  const columns: TableColumnsType<Settlement> = [
    {
      title: t('insuranceStaff.settlement.time'),
      key: 'time',
      width: 170,
      render: (_, s) => <span className="nowrap">{formatInstant(s.settledAt ?? s.requestedAt)}</span>,
    },
    { title: t('insuranceStaff.settlement.patient'), dataIndex: 'patientName', key: 'patient', width: 96 },
    { title: t('insuranceStaff.settlement.institution'), dataIndex: 'institutionName', key: 'institution' },
    {
      title: t('insuranceStaff.settlement.scheme'),
      key: 'scheme',
      width: 100,
      render: (_, s) => <SchemeTag scheme={s.scheme} />,
    },
    {
      title: t('insuranceStaff.settlement.status'),
      key: 'status',
      width: 90,
      render: (_, s) => <SettlementStatusTag status={s.status} />,
    },
    {
      title: t('insuranceStaff.settlement.total'),
      key: 'total',
      align: 'right',
      render: (_, s) => money(s.totalFen),
    },
    {
      title: t('insuranceStaff.settlement.fund'),
      key: 'fund',
      align: 'right',
      render: (_, s) => money(s.fundFen),
    },
    {
      title: t('insuranceStaff.settlement.account'),
      key: 'account',
      align: 'right',
      render: (_, s) => money(s.accountFen),
    },
    {
      title: t('insuranceStaff.settlement.cash'),
      key: 'cash',
      align: 'right',
      render: (_, s) => money(s.cashFen),
    },
    {
      title: t('insuranceStaff.settlement.policyVersion'),
      key: 'policy',
      width: 90,
      render: (_, s) => t('insuranceStaff.settlement.policyVersionValue', { version: s.policyVersion }),
    },
  ];

  return (
    <div className="staff-page ins-staff" data-testid="insurance-settlements">
      <Card
        variant="borderless"
        className="ins-card"
        title={<CardHeading>{t('staff.cards.settlement.title')}</CardHeading>}
        extra={
          <Button icon={<ReloadOutlined aria-hidden />} onClick={reload}>
            {t('insuranceStaff.common.refresh')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('insuranceStaff.settlement.intro')}</Typography.Paragraph>
        <div className="supervision-toolbar">
          <DaySelect
            className="supervision-toolbar__day"
            aria-label={t('insuranceStaff.common.date')}
            placeholder={t('insuranceStaff.common.allDates')}
            from={addDays(today, -(LOOK_BACK_DAYS - 1))}
            days={LOOK_BACK_DAYS}
            descending
            allowClear
            value={filters.date}
            onChange={(date) => setFilters((f) => ({ ...f, date }))}
            data-testid="settlement-date"
          />
          <Select
            className="ins-institution-select"
            aria-label={t('insuranceStaff.common.institution')}
            placeholder={t('insuranceStaff.common.allInstitutions')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            loading={institutions.loading}
            options={institutions.options}
            value={filters.institutionId}
            onChange={(institutionId?: string) => setFilters((f) => ({ ...f, institutionId }))}
            data-testid="settlement-institution"
          />
        </div>
        {first.error !== undefined && (
          <Alert type="error" showIcon className="rec-page-alert" title={errorText(first.error, t)} />
        )}
        <Table<Settlement>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={settlements}
          components={components}
          loading={first.data === undefined && first.error === undefined}
          pagination={false}
          scroll={{ x: 1100 }}
          expandable={{
            expandedRowRender: (s) => (
              <div className="ins-expanded">
                <SplitLinesTable lines={s.lines} />
                <Typography.Paragraph type="secondary" className="ins-expanded__ids">
                  {t('insuranceStaff.settlement.ids', {
                    platformId: s.platformSettlementId ?? t('insuranceStaff.common.none'),
                    orderId: s.orderId,
                  })}
                </Typography.Paragraph>
              </div>
            ),
          }}
          onRow={(s) =>
            ({
              'data-testid': 'settlement-row',
              'data-status': s.status,
              'data-patient': s.patientName,
            }) as HTMLAttributes<HTMLElement>
          }
          locale={{ emptyText: t('insuranceStaff.settlement.empty') }}
        />
        {cursor && (
          <div className="rec-more">
            <Button onClick={loadMore} loading={loadingMore}>
              {t('insuranceStaff.common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <FundStatsCard />
    </div>
  );
}
