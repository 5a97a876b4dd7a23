import { ExclamationCircleOutlined, SafetyCertificateFilled } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Spin,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { type HTMLAttributes, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { ObservationView, ReportView } from '../../../shared/records.js';
import { get } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { useTableCaption } from './captioned.js';
import { ResultValue } from './ResultValue.js';
import { dateTime, referenceRange, resultValue } from './results.js';

const path = (patientId: string, kind: 'lab' | 'exam', before?: string) =>
  `/patients/${patientId}/reports?kind=${kind}&limit=20${before ? `&before=${encodeURIComponent(before)}` : ''}`;

/** 已电子签名 with who and when, or 未签名: a badge with an icon and words. */
export function SignedBadge({ report }: { report: ReportView }) {
  const { t } = useTranslation();
  if (!report.signed) {
    return (
      <Tag icon={<ExclamationCircleOutlined aria-hidden />} data-testid="report-unsigned">
        {t('recordsStaff.reports.unsigned')}
      </Tag>
    );
  }
  return (
    <span className="rec-signed" data-testid="report-signed">
      <Tag color="success" icon={<SafetyCertificateFilled aria-hidden />}>
        {t('recordsStaff.reports.signed')}
      </Tag>
      <span className="rec-sub">
        {t('recordsStaff.reports.signedDetail', {
          name: report.signed.signedBy,
          time: dateTime(report.signed.signedAt),
          serial: report.signed.certSerial,
        })}
      </span>
    </span>
  );
}

function ReportItems({ report }: { report: ReportView }) {
  const { t } = useTranslation();
  const components = useTableCaption(t('recordsStaff.reports.caption', { name: report.name }));
  const columns: TableColumnsType<ObservationView> = [
    { title: t('recordsStaff.labs.item'), dataIndex: 'name', key: 'name' },
    {
      title: t('recordsStaff.labs.value'),
      key: 'value',
      render: (_, o) => <ResultValue value={resultValue(o)} unit={o.unit} flag={o.flag} showWord />,
    },
    { title: t('recordsStaff.labs.reference'), key: 'ref', render: (_, o) => referenceRange(o) },
  ];
  return (
    <Table<ObservationView>
      rowKey="id"
      size="small"
      pagination={false}
      columns={columns}
      dataSource={report.observations}
      components={components}
      onRow={() => ({ 'data-testid': 'report-item' }) as HTMLAttributes<HTMLElement>}
    />
  );
}

function ReportCard({ report, level }: { report: ReportView; level: 3 | 4 }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Card
      size="small"
      className="rec-report"
      data-testid="report"
      data-report-kind={report.kind}
      aria-labelledby={id}
      role="article"
      title={
        <span className="rec-report__title">
          <Typography.Title level={level} id={id} className="rec-report__name">
            {report.name}
          </Typography.Title>
          <Tag variant="filled" color="geekblue">
            {t(`recordsStaff.reports.kind.${report.kind}`)}
          </Tag>
          {report.abnormalCount > 0 && (
            <Tag color="error" icon={<ExclamationCircleOutlined aria-hidden />}>
              {t('recordsStaff.labs.abnormalCount', { count: report.abnormalCount })}
            </Tag>
          )}
        </span>
      }
      extra={<SignedBadge report={report} />}
    >
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          {
            key: 'effective',
            label: t('recordsStaff.reports.effectiveAt'),
            children: dateTime(report.effectiveAt),
          },
          { key: 'issued', label: t('recordsStaff.reports.issuedAt'), children: dateTime(report.issuedAt) },
          {
            key: 'institution',
            label: t('recordsStaff.archive.institution'),
            children: report.institutionName ?? '—',
          },
          {
            key: 'people',
            label: `${t('recordsStaff.reports.performer')} / ${t('recordsStaff.reports.verifier')}`,
            children: `${report.performerName ?? '—'} / ${report.verifierName ?? '—'}`,
          },
        ]}
      />
      {report.findings && (
        <div className="rec-report__text">
          <Typography.Text strong>{t('recordsStaff.reports.findings')}</Typography.Text>
          <Typography.Paragraph className="rec-prewrap" data-testid="report-findings">
            {report.findings}
          </Typography.Paragraph>
        </div>
      )}
      {report.conclusion && (
        <div className="rec-report__text">
          <Typography.Text strong>{t('recordsStaff.reports.conclusion')}</Typography.Text>
          <Typography.Paragraph
            className="rec-prewrap rec-report__conclusion"
            data-testid="report-conclusion"
          >
            {report.conclusion}
          </Typography.Paragraph>
        </div>
      )}
      {report.observations.length > 0 && <ReportItems report={report} />}
    </Card>
  );
}

/** 检查报告 (imaging, ECG, ultrasound…): findings, conclusion and the signature, newest first. */
export function ExamReports({ patientId, compact }: { patientId: string; compact: boolean }) {
  const { t } = useTranslation();
  const first = useApiData<Page<ReportView>>(path(patientId, 'exam'));
  const [more, setMore] = useState<Page<ReportView>[]>([]);
  const [loading, setLoading] = useState(false);
  const pages = first.data ? [first.data, ...more] : [];
  const reports = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const next = await get<Page<ReportView>>(path(patientId, 'exam', cursor));
      setMore((loaded) => [...loaded, next]);
    } finally {
      setLoading(false);
    }
  }

  if (first.error !== undefined && !first.data) {
    return <Alert type="error" showIcon title={errorText(first.error, t)} />;
  }
  if (!first.data) return <Spin className="staff-page__spin" />;
  if (reports.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('recordsStaff.reports.empty')} />;
  }
  return (
    <div className="rec-reports" data-testid="exam-reports">
      {reports.map((r) => (
        <ReportCard key={r.id} report={r} level={compact ? 4 : 3} />
      ))}
      {cursor && (
        <div className="rec-more">
          <Button onClick={loadMore} loading={loading}>
            {t('recordsStaff.reports.loadMore')}
          </Button>
        </div>
      )}
    </div>
  );
}
