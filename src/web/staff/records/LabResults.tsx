import { LineChartOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Select, Spin, Table, type TableColumnsType, Typography } from 'antd';
import { type HTMLAttributes, lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { AbnormalFlag, ObservationView } from '../../../shared/records.js';
import { get } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { Section, useTableCaption } from './captioned.js';
import { ResultValue } from './ResultValue.js';
import {
  BLOOD_PRESSURE,
  dateOnly,
  dateTime,
  isAbnormal,
  labResults,
  type Measure,
  measureKeyOf,
  measures,
  referenceRange,
  resultValue,
  trendSeries,
} from './results.js';

/** ECharts is loaded with the first chart, not with the console. */
const TrendChart = lazy(() => import('./TrendChart.js'));

const path = (patientId: string, before?: string) =>
  `/patients/${patientId}/observations?limit=500${before ? `&before=${encodeURIComponent(before)}` : ''}`;

/**
 * 检验结果: a trend chart of the chosen measure (blood pressure first) with its reference band, and every
 * lab value and vital sign in a table, abnormal ones marked ↑ ↓ and said in words (REC-3 as the doctor sees it).
 */
export function LabResults({ patientId, compact }: { patientId: string; compact: boolean }) {
  const { t } = useTranslation();
  const first = useApiData<Page<ObservationView>>(path(patientId));
  const [more, setMore] = useState<Page<ObservationView>[]>([]);
  const [loading, setLoading] = useState(false);
  const [chosen, setChosen] = useState<string>();
  const components = useTableCaption(t('recordsStaff.labs.caption'));
  const pages = first.data ? [first.data, ...more] : [];
  const cursor = pages.at(-1)?.nextCursor ?? undefined;
  const rows = useMemo(
    () =>
      labResults((first.data ? [first.data, ...more] : []).flatMap((p) => p.items)).sort((a, b) =>
        b.effectiveAt.localeCompare(a.effectiveAt),
      ),
    [first.data, more],
  );
  const list = useMemo(() => measures(rows), [rows]);
  const measure = list.find((m) => m.key === chosen) ?? list[0];
  const flagText = useCallback((flag: AbnormalFlag) => t(`recordsStaff.flag.${flag}`), [t]);
  const measureName = (m: Measure) =>
    m.key === BLOOD_PRESSURE ? t('recordsStaff.labs.bloodPressure') : m.name;
  const series = useMemo(() => {
    if (!measure) return [];
    return trendSeries(rows, measure).map((s) =>
      measure.key === BLOOD_PRESSURE
        ? {
            ...s,
            name: s.code === '8480-6' ? t('recordsStaff.labs.systolic') : t('recordsStaff.labs.diastolic'),
          }
        : s,
    );
  }, [rows, measure, t]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const next = await get<Page<ObservationView>>(path(patientId, cursor));
      setMore((loaded) => [...loaded, next]);
    } finally {
      setLoading(false);
    }
  }

  if (first.error !== undefined && !first.data) {
    return <Alert type="error" showIcon title={errorText(first.error, t)} />;
  }
  if (!first.data) return <Spin className="staff-page__spin" />;
  if (rows.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('recordsStaff.labs.empty')} />;
  }

  const columns: TableColumnsType<ObservationView> = [
    {
      title: t('recordsStaff.labs.item'),
      key: 'item',
      render: (_, o) => (
        <div>
          <Typography.Text>{o.name}</Typography.Text>
          <div className="rec-sub">
            {t(`recordsStaff.labs.kindLabel.${o.category}`)} · {o.code}
          </div>
        </div>
      ),
    },
    {
      title: t('recordsStaff.labs.value'),
      key: 'value',
      render: (_, o) => <ResultValue value={resultValue(o)} unit={compact ? o.unit : null} flag={o.flag} />,
    },
    ...(compact
      ? []
      : [
          {
            title: t('recordsStaff.labs.unit'),
            key: 'unit',
            render: (_: unknown, o: ObservationView) => o.unit ?? '',
          },
        ]),
    {
      title: t('recordsStaff.labs.reference'),
      key: 'reference',
      render: (_, o) => <span className="nowrap">{referenceRange(o)}</span>,
    },
    {
      title: t('recordsStaff.labs.flag'),
      key: 'flag',
      render: (_, o) =>
        isAbnormal(o.flag) && o.flag ? (
          <span className="rec-flag--abnormal" data-testid="result-flag">
            {t(`recordsStaff.flag.${o.flag}`)}
          </span>
        ) : o.flag === 'N' ? (
          <Typography.Text type="secondary">{t('recordsStaff.flag.N')}</Typography.Text>
        ) : null,
    },
    {
      title: t('recordsStaff.labs.effectiveAt'),
      key: 'at',
      render: (_, o) => (
        <span className="nowrap">{compact ? dateOnly(o.effectiveAt) : dateTime(o.effectiveAt)}</span>
      ),
    },
    {
      title: t('recordsStaff.labs.trend'),
      key: 'trend',
      width: 64,
      render: (_, o) =>
        o.valueNum !== null ? (
          <Button
            type="text"
            size="small"
            icon={<LineChartOutlined aria-hidden />}
            aria-label={t('recordsStaff.labs.showTrend', { name: o.name })}
            onClick={() => setChosen(measureKeyOf(o))}
          />
        ) : null,
    },
  ];

  const level = compact ? 4 : 3;
  return (
    <div className="rec-labs" data-testid="lab-results">
      <Section
        title={t('recordsStaff.labs.trend')}
        level={level}
        extra={
          list.length > 0 && (
            <Select<string>
              className="rec-measure-select"
              aria-label={t('recordsStaff.labs.measure')}
              value={measure?.key}
              onChange={setChosen}
              options={list.map((m) => ({ value: m.key, label: measureName(m) }))}
              data-testid="measure-select"
            />
          )
        }
      >
        {measure ? (
          <figure className="rec-trend">
            <Suspense fallback={<Spin className="staff-page__spin" />}>
              <TrendChart
                series={series}
                label={t('recordsStaff.labs.chartLabel', {
                  name: measureName(measure),
                  count: measure.count,
                })}
                bandLabel={t('recordsStaff.labs.referenceBand')}
                flagText={flagText}
                height={compact ? 220 : 300}
              />
            </Suspense>
            <figcaption className="rec-sub">
              {t(measure.unit ? 'recordsStaff.labs.figcaption' : 'recordsStaff.labs.figcaptionNoUnit', {
                name: measureName(measure),
                unit: measure.unit,
                range:
                  series
                    .map((s) =>
                      s.band
                        ? referenceRange({ refLow: s.band.low, refHigh: s.band.high, refText: null })
                        : '',
                    )
                    .filter(Boolean)
                    .join(' / ') || '—',
              })}
            </figcaption>
          </figure>
        ) : (
          <Typography.Text type="secondary">{t('recordsStaff.labs.noTrend')}</Typography.Text>
        )}
      </Section>
      <Section title={t('recordsStaff.archive.tabs.labs')} level={level}>
        <Table<ObservationView>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={rows}
          components={components}
          pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          scroll={compact ? undefined : { x: 720 }}
          rowClassName={(o) => (isAbnormal(o.flag) ? 'rec-row--abnormal' : '')}
          onRow={(o) => ({ 'data-testid': 'result-row', 'data-code': o.code }) as HTMLAttributes<HTMLElement>}
        />
        {cursor && (
          <div className="rec-more">
            <Button onClick={loadMore} loading={loading}>
              {t('recordsStaff.labs.loadMore')}
            </Button>
          </div>
        )}
      </Section>
    </div>
  );
}
