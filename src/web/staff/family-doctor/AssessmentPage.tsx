import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { type HTMLAttributes, lazy, type ReactNode, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Institution } from '../../../shared/directory.js';
import type { Assessment, TeamAssessment } from '../../../shared/family-doctor.js';
import type { Page } from '../../../shared/http.js';
import { getBlob } from '../../api.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { addDays, shanghaiDate } from '../../format.js';
import { CardHeading, useTableCaption } from '../records/captioned.js';
import { DaySelect } from '../supervision/DaySelect.js';
import { percent, stars } from './admin/forms.js';
import '../records/records.css';
import '../supervision/supervision.css';
import './admin/admin.css';

// ECharts comes with this page only, not with the console.
const AssessmentCharts = lazy(() => import('./admin/AssessmentCharts.js'));

/** How far back the date filters reach. */
const LOOK_BACK_DAYS = 1096;
const PRIMARY = new Set<Institution['type']>(['community_centre', 'community_station']);
const ALL = '';

function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

function Kpi({
  title,
  value,
  suffix,
  note,
  testId,
}: {
  title: string;
  value: ReactNode;
  suffix?: string;
  note?: string;
  testId: string;
}) {
  return (
    <Col xs={12} md={8} xl={4}>
      <Card size="small" className="fda-kpi" data-testid={testId}>
        <Statistic title={title} value={value as string} suffix={suffix} />
        {note && <div className="fda-sub">{note}</div>}
      </Card>
    </Col>
  );
}

/**
 * 家庭医生绩效考核 (/admin/fdAssessment, /regulator/fdAssessment; seed 002 (十五)): per team and in total —
 * residents signed and by group, renewal rate, follow-ups on time, hypertension and diabetes control,
 * satisfaction — for a period (this year by default), with charts and a CSV export of the same filters.
 * An org_admin sees their own institution; the regulator picks one, or all.
 */
export function AssessmentPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const regulator = me.roles.includes('regulator');
  const today = shanghaiDate();
  const [from, setFrom] = useState(`${today.slice(0, 4)}-01-01`);
  const [to, setTo] = useState(today);
  const [picked, setPicked] = useState<string>(ALL);
  const [exporting, setExporting] = useState(false);
  const institutions = useApiData<Page<Institution>>(
    regulator ? '/institutions?status=active&limit=100' : null,
  );
  const institutionId = regulator ? picked : (me.institutionId ?? ALL);
  const valid = from <= to;
  const params = new URLSearchParams({ from, to });
  if (institutionId) params.set('institutionId', institutionId);
  const assessment = useApiData<Assessment>(valid ? `/family-doctor/assessment?${params.toString()}` : null);
  const data = valid ? assessment.data : undefined;
  const caption = useTableCaption(t('fdAdmin.assessment.table.caption'));
  const first = addDays(today, -(LOOK_BACK_DAYS - 1));
  const en = i18n.language === 'en-US';
  const institutionOptions = [
    { value: ALL, label: t('fdAdmin.assessment.allInstitutions') },
    ...(institutions.data?.items ?? [])
      .filter((i) => PRIMARY.has(i.type))
      .map((i) => ({ value: i.id, label: (en && i.nameEn) || i.name })),
  ];
  const showInstitution = regulator && !institutionId;

  async function exportCsv() {
    setExporting(true);
    try {
      const blob = await getBlob(`/family-doctor/assessment.csv?${params.toString()}`);
      save(blob, `${t('fdAdmin.assessment.fileName')}-${from}-${to}.csv`);
      message.success(t('fdAdmin.assessment.exported'));
    } catch (error) {
      message.error(errorText(error, t));
    } finally {
      setExporting(false);
    }
  }

  const rate = (value: number | null) => <span className="fda-num">{percent(value)}</span>;
  const count = (value: number) => <span className="fda-num">{value}</span>;
  const columns: TableColumnsType<TeamAssessment> = [
    {
      title: t('fdAdmin.assessment.table.team'),
      key: 'team',
      width: showInstitution ? 220 : 180,
      render: (_, r) => (
        <div>
          <Typography.Text strong>{r.teamName}</Typography.Text>
          {showInstitution && <div className="fda-sub">{r.institutionName}</div>}
        </div>
      ),
    },
    {
      title: t('fdAdmin.assessment.table.signed'),
      key: 'signed',
      align: 'right',
      render: (_, r) => count(r.signed),
    },
    {
      title: t('fdAdmin.assessment.table.renewal'),
      key: 'renewal',
      align: 'right',
      render: (_, r) => rate(r.renewalRate),
    },
    {
      title: t('fdAdmin.assessment.table.followups'),
      key: 'followups',
      align: 'right',
      render: (_, r) => count(r.followupsDone),
    },
    {
      title: t('fdAdmin.assessment.table.onTime'),
      key: 'onTime',
      align: 'right',
      render: (_, r) => rate(r.onTimeRate),
    },
    {
      title: t('fdAdmin.assessment.table.htn'),
      key: 'htn',
      align: 'right',
      render: (_, r) => rate(r.hypertensionControlRate),
    },
    {
      title: t('fdAdmin.assessment.table.dm'),
      key: 'dm',
      align: 'right',
      render: (_, r) => rate(r.diabetesControlRate),
    },
    {
      title: t('fdAdmin.assessment.table.referralsUp'),
      key: 'up',
      align: 'right',
      render: (_, r) => count(r.referralsUp),
    },
    {
      title: t('fdAdmin.assessment.table.referralsDown'),
      key: 'down',
      align: 'right',
      render: (_, r) => count(r.referralsDown),
    },
    {
      title: t('fdAdmin.assessment.table.homeServices'),
      key: 'home',
      align: 'right',
      render: (_, r) => count(r.homeServices),
    },
    {
      title: t('fdAdmin.assessment.table.satisfaction'),
      key: 'satisfaction',
      align: 'right',
      render: (_, r) => <span className="fda-num">{stars(r.satisfaction)}</span>,
    },
    {
      title: t('fdAdmin.assessment.table.ratings'),
      key: 'ratings',
      align: 'right',
      render: (_, r) => count(r.ratings),
    },
  ];

  const total = data?.total;
  const empty = data !== undefined && data.teams.length === 0;

  return (
    <div className="staff-page fda-page" data-testid="fd-assessment">
      <Card
        variant="borderless"
        title={<CardHeading>{t('staff.cards.fdAssessment.title')}</CardHeading>}
        extra={
          <Space>
            <Button icon={<ReloadOutlined aria-hidden />} onClick={assessment.reload}>
              {t('fdAdmin.common.refresh')}
            </Button>
            <Button
              icon={<DownloadOutlined aria-hidden />}
              loading={exporting}
              disabled={!valid}
              onClick={exportCsv}
              data-testid="fd-assessment-export"
            >
              {t('fdAdmin.assessment.export')}
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">{t('fdAdmin.assessment.intro')}</Typography.Paragraph>
        <div className="supervision-toolbar">
          {regulator && (
            <Select
              className="fda-institution"
              aria-label={t('fdAdmin.assessment.institution')}
              showSearch={{ optionFilterProp: 'label' }}
              loading={institutions.data === undefined && institutions.error === undefined}
              options={institutionOptions}
              value={picked}
              onChange={setPicked}
              data-testid="fd-assessment-institution"
            />
          )}
          <span className="supervision-toolbar__dates">
            <DaySelect
              className="supervision-toolbar__day"
              aria-label={t('fdAdmin.assessment.from')}
              from={first}
              days={LOOK_BACK_DAYS}
              descending
              value={from}
              onChange={(value) => value && setFrom(value)}
              data-testid="fd-assessment-from"
            />
            <span className="supervision-toolbar__dash" aria-hidden>
              –
            </span>
            <DaySelect
              className="supervision-toolbar__day"
              aria-label={t('fdAdmin.assessment.to')}
              from={first}
              days={LOOK_BACK_DAYS}
              descending
              value={to}
              onChange={(value) => value && setTo(value)}
              data-testid="fd-assessment-to"
            />
          </span>
        </div>
        {!valid ? (
          <Alert type="warning" showIcon title={t('fdAdmin.assessment.invalidRange')} />
        ) : assessment.error !== undefined ? (
          <Alert type="error" showIcon title={errorText(assessment.error, t)} />
        ) : !total ? (
          <Spin className="staff-page__spin" />
        ) : (
          <>
            <Row gutter={[16, 16]}>
              <Kpi
                title={t('fdAdmin.assessment.kpi.signed')}
                value={total.signed}
                suffix={t('fdAdmin.assessment.kpi.signedSuffix') || undefined}
                testId="fd-kpi-signed"
              />
              <Kpi
                title={t('fdAdmin.assessment.kpi.renewal')}
                value={percent(total.renewalRate)}
                testId="fd-kpi-renewal"
              />
              <Kpi
                title={t('fdAdmin.assessment.kpi.onTime')}
                value={percent(total.onTimeRate)}
                note={t('fdAdmin.assessment.kpi.onTimeNote', {
                  onTime: total.followupsOnTime,
                  done: total.followupsDone,
                })}
                testId="fd-kpi-on-time"
              />
              <Kpi
                title={t('fdAdmin.assessment.kpi.htn')}
                value={percent(total.hypertensionControlRate)}
                testId="fd-kpi-htn"
              />
              <Kpi
                title={t('fdAdmin.assessment.kpi.dm')}
                value={percent(total.diabetesControlRate)}
                testId="fd-kpi-dm"
              />
              <Kpi
                title={t('fdAdmin.assessment.kpi.satisfaction')}
                value={stars(total.satisfaction)}
                suffix={
                  total.satisfaction === null ? undefined : t('fdAdmin.assessment.kpi.satisfactionSuffix')
                }
                note={t('fdAdmin.assessment.kpi.ratings', { count: total.ratings })}
                testId="fd-kpi-satisfaction"
              />
            </Row>
            {empty && (
              <Typography.Paragraph type="secondary" className="fda-empty" data-testid="fd-assessment-empty">
                {t('fdAdmin.assessment.empty')}
              </Typography.Paragraph>
            )}
          </>
        )}
      </Card>

      {data && !empty && (
        <>
          <Card variant="borderless">
            <Suspense fallback={<Spin className="staff-page__spin" />}>
              <AssessmentCharts assessment={data} />
            </Suspense>
          </Card>
          <Card
            variant="borderless"
            title={<CardHeading level={3}>{t('fdAdmin.assessment.table.title')}</CardHeading>}
          >
            {/* Scrolled sideways in its own keyboard-reachable region when the window is narrow. */}
            <section
              className="fda-scroll"
              // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
              tabIndex={0}
              aria-label={t('fdAdmin.assessment.table.caption')}
            >
              <Table<TeamAssessment>
                rowKey="teamId"
                size="middle"
                columns={columns}
                components={caption}
                dataSource={data.teams}
                pagination={false}
                onRow={(r) =>
                  ({
                    'data-testid': 'fd-assessment-row',
                    'data-team': r.teamName,
                  }) as HTMLAttributes<HTMLElement>
                }
                summary={() => (
                  <Table.Summary fixed>
                    <Table.Summary.Row className="fda-total-row" data-testid="fd-assessment-total">
                      <Table.Summary.Cell index={0}>
                        <Typography.Text strong>{t('fdAdmin.assessment.table.total')}</Typography.Text>
                      </Table.Summary.Cell>
                      {[
                        count(data.total.signed),
                        rate(data.total.renewalRate),
                        count(data.total.followupsDone),
                        rate(data.total.onTimeRate),
                        rate(data.total.hypertensionControlRate),
                        rate(data.total.diabetesControlRate),
                        count(data.total.referralsUp),
                        count(data.total.referralsDown),
                        count(data.total.homeServices),
                        <span className="fda-num" key="s">
                          {stars(data.total.satisfaction)}
                        </span>,
                        count(data.total.ratings),
                      ].map((cell, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed, in order.
                        <Table.Summary.Cell index={i + 1} key={i} align="right">
                          {cell}
                        </Table.Summary.Cell>
                      ))}
                    </Table.Summary.Row>
                  </Table.Summary>
                )}
              />
            </section>
          </Card>
        </>
      )}
    </div>
  );
}
