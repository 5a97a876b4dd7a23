import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Row,
  Spin,
  Statistic,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RemoteStats } from '../../../shared/remote.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { addDays, shanghaiDate } from '../../format.js';
import { CardHeading, useTableCaption } from '../records/captioned.js';
import { DaySelect } from '../supervision/DaySelect.js';
import { durationText } from './parts.js';
import '../records/records.css';
import '../supervision/supervision.css';
import './remote.css';

// ECharts comes with the statistics only, not with the console.
const StatsChart = lazy(() => import('./StatsChart.js'));

/** How far back the date filters reach. */
const LOOK_BACK_DAYS = 731;

type CentreRow = RemoteStats['centres'][number];
type RequesterRow = RemoteStats['requesters'][number];

const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`);

/**
 * 远程诊断统计 (/admin/remoteStats, /regulator/remoteStats): per diagnostic centre and per requesting
 * institution — volumes, signed reports, turnaround against the target, critical values, rejected specimens —
 * with the seeds' own figures on top (how many institutions served, how many reports done) and the daily
 * signed reports as a chart with its table.
 */
export function RemoteStatsPage() {
  const { t } = useTranslation();
  const today = shanghaiDate();
  const [from, setFrom] = useState(addDays(today, -29));
  const [to, setTo] = useState(today);
  const valid = from <= to;
  const stats = useApiData<RemoteStats>(valid ? `/remote-diagnosis/stats?from=${from}&to=${to}` : null);
  const first = addDays(today, -(LOOK_BACK_DAYS - 1));
  const data = valid ? stats.data : undefined;
  const centreCaption = useTableCaption(t('remoteRequests.stats.centresCaption'));
  const requesterCaption = useTableCaption(t('remoteRequests.stats.requestersCaption'));

  const served = data?.requesters.filter((r) => r.requests > 0).length ?? 0;
  const signed = data?.centres.reduce((sum, c) => sum + c.signed, 0) ?? 0;
  const requests = data?.centres.reduce((sum, c) => sum + c.requests, 0) ?? 0;
  const critical = data?.centres.reduce((sum, c) => sum + c.critical, 0) ?? 0;
  const rejected = data?.centres.reduce((sum, c) => sum + c.rejectedSpecimens, 0) ?? 0;

  const centreColumns: TableColumnsType<CentreRow> = [
    { title: t('remoteRequests.stats.centre'), dataIndex: 'name', key: 'name' },
    {
      title: t('remoteRequests.stats.kind'),
      key: 'kind',
      width: 80,
      render: (_, c) => t(`remoteRequests.kind.${c.kind}`),
    },
    {
      title: t('remoteRequests.stats.served'),
      dataIndex: 'institutionsServed',
      key: 'served',
      align: 'right',
    },
    { title: t('remoteRequests.stats.requests'), dataIndex: 'requests', key: 'requests', align: 'right' },
    { title: t('remoteRequests.stats.signed'), dataIndex: 'signed', key: 'signed', align: 'right' },
    {
      title: t('remoteRequests.stats.medianTurnaround'),
      key: 'median',
      align: 'right',
      render: (_, c) =>
        c.medianTurnaroundMinutes === null ? '—' : durationText(c.medianTurnaroundMinutes, t),
    },
    {
      title: t('remoteRequests.stats.onTargetRate'),
      key: 'onTarget',
      align: 'right',
      render: (_, c) => percent(c.onTargetRate),
    },
    { title: t('remoteRequests.stats.critical'), dataIndex: 'critical', key: 'critical', align: 'right' },
    {
      title: t('remoteRequests.stats.rejected'),
      key: 'rejected',
      align: 'right',
      render: (_, c) => (c.kind === 'lab' ? c.rejectedSpecimens : '—'),
    },
  ];

  const requesterColumns: TableColumnsType<RequesterRow> = [
    { title: t('remoteRequests.stats.requester'), dataIndex: 'name', key: 'name' },
    { title: t('remoteRequests.stats.requests'), dataIndex: 'requests', key: 'requests', align: 'right' },
    { title: t('remoteRequests.stats.signed'), dataIndex: 'signed', key: 'signed', align: 'right' },
    { title: t('remoteRequests.stats.critical'), dataIndex: 'critical', key: 'critical', align: 'right' },
    {
      title: t('remoteRequests.stats.rejected'),
      dataIndex: 'rejectedSpecimens',
      key: 'rejected',
      align: 'right',
    },
  ];

  return (
    <div className="staff-page rr-page" data-testid="remote-stats">
      <Card
        variant="borderless"
        title={<CardHeading>{t('remoteRequests.stats.title')}</CardHeading>}
        extra={
          <Button icon={<ReloadOutlined aria-hidden />} onClick={stats.reload} autoInsertSpace={false}>
            {t('remoteRequests.common.refresh')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('remoteRequests.stats.intro')}</Typography.Paragraph>
        <div className="supervision-toolbar">
          <span className="supervision-toolbar__dates">
            <DaySelect
              className="supervision-toolbar__day"
              aria-label={t('remoteRequests.stats.from')}
              from={first}
              days={LOOK_BACK_DAYS}
              descending
              value={from}
              onChange={(value) => value && setFrom(value)}
              data-testid="remote-stats-from"
            />
            <span className="supervision-toolbar__dash">–</span>
            <DaySelect
              className="supervision-toolbar__day"
              aria-label={t('remoteRequests.stats.to')}
              from={first}
              days={LOOK_BACK_DAYS}
              descending
              value={to}
              onChange={(value) => value && setTo(value)}
              data-testid="remote-stats-to"
            />
          </span>
        </div>
        {!valid ? (
          <Alert type="warning" showIcon title={t('remoteRequests.stats.invalidRange')} />
        ) : stats.error !== undefined ? (
          <Alert type="error" showIcon title={errorText(stats.error, t)} />
        ) : !data ? (
          <Spin className="staff-page__spin" />
        ) : (
          <>
            <Row gutter={[16, 16]} className="rr-summary">
              <Col xs={12} md={8} xl={4}>
                <Card size="small" data-testid="remote-stats-institutions">
                  <Statistic title={t('remoteRequests.stats.institutions')} value={served} />
                </Card>
              </Col>
              <Col xs={12} md={8} xl={4}>
                <Card size="small" data-testid="remote-stats-signed">
                  <Statistic title={t('remoteRequests.stats.signed')} value={signed} />
                </Card>
              </Col>
              <Col xs={12} md={8} xl={4}>
                <Card size="small">
                  <Statistic title={t('remoteRequests.stats.requests')} value={requests} />
                </Card>
              </Col>
              <Col xs={12} md={8} xl={4}>
                <Card size="small">
                  <Statistic title={t('remoteRequests.stats.critical')} value={critical} />
                </Card>
              </Col>
              <Col xs={12} md={8} xl={4}>
                <Card size="small">
                  <Statistic title={t('remoteRequests.stats.rejected')} value={rejected} />
                </Card>
              </Col>
            </Row>
            {requests === 0 && (
              <Typography.Paragraph type="secondary" data-testid="remote-stats-empty">
                {t('remoteRequests.stats.empty')}
              </Typography.Paragraph>
            )}
          </>
        )}
      </Card>

      {data && requests > 0 && (
        <>
          <Card
            variant="borderless"
            title={<CardHeading level={3}>{t('remoteRequests.stats.daily')}</CardHeading>}
          >
            <Suspense fallback={<Spin className="staff-page__spin" />}>
              <StatsChart stats={data} />
            </Suspense>
          </Card>
          <Card
            variant="borderless"
            title={<CardHeading level={3}>{t('remoteRequests.stats.centres')}</CardHeading>}
          >
            <Table<CentreRow>
              rowKey="id"
              size="middle"
              columns={centreColumns}
              dataSource={data.centres}
              components={centreCaption}
              pagination={false}
              scroll={{ x: 900 }}
              data-testid="remote-stats-centres"
            />
          </Card>
          <Card
            variant="borderless"
            title={<CardHeading level={3}>{t('remoteRequests.stats.requesters')}</CardHeading>}
          >
            <Table<RequesterRow>
              rowKey="id"
              size="middle"
              columns={requesterColumns}
              dataSource={data.requesters}
              components={requesterCaption}
              pagination={false}
              scroll={{ x: 640 }}
              data-testid="remote-stats-requesters"
            />
          </Card>
        </>
      )}
    </div>
  );
}
