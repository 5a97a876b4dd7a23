import { PrinterOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { App, Button, Descriptions, Empty, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LabResult, RemoteReportView } from '../../../shared/remote.js';
import { getBlob } from '../../api.js';
import { errorText } from '../../errors.js';
import { useTableCaption } from '../records/captioned.js';
import { CriticalTag, dateTime } from './parts.js';

const FLAG_MARK: Record<NonNullable<LabResult['flag']>, string> = {
  N: '',
  H: '↑',
  L: '↓',
  HH: '↑↑',
  LL: '↓↓',
  A: '*',
};

/** The ECG measurements the reading doctor confirmed, in a fixed order with units. */
const MEASUREMENTS = [
  ['heartRate', 'bpm'],
  ['prMs', 'ms'],
  ['qrsMs', 'ms'],
  ['qtMs', 'ms'],
  ['qtcMs', 'ms'],
  ['rhythm', ''],
] as const;

/**
 * Opens a PDF the API serves (the bearer token rides on the request, so not a plain link): a tab is opened
 * at once, inside the click, so the browser does not take it for a pop-up, and shows the PDF once fetched.
 */
export async function openPdf(path: string, fileName: string): Promise<void> {
  const tab = window.open('', '_blank');
  try {
    const blob = await getBlob(path);
    const url = URL.createObjectURL(
      blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' }),
    );
    if (tab) tab.location.href = url;
    else {
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.click();
    }
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    tab?.close();
    throw error;
  }
}

function rangeText(r: LabResult): string {
  if (r.refText) return r.refText;
  if (r.refLow !== null && r.refHigh !== null) return `${r.refLow}–${r.refHigh}`;
  if (r.refLow !== null) return `≥ ${r.refLow}`;
  if (r.refHigh !== null) return `≤ ${r.refHigh}`;
  return '';
}

function ResultsTable({
  results,
  panelNames,
}: {
  results: LabResult[];
  panelNames: ReadonlyMap<string, string>;
}) {
  const { t } = useTranslation();
  const components = useTableCaption(t('remoteRequests.report.resultsCaption'));
  const columns: TableColumnsType<LabResult> = [
    {
      title: t('remoteRequests.report.panel'),
      key: 'panel',
      width: 120,
      render: (_, r) => panelNames.get(r.panel) ?? r.panel,
    },
    { title: t('remoteRequests.report.item'), dataIndex: 'name', key: 'name' },
    {
      title: t('remoteRequests.report.result'),
      key: 'value',
      width: 130,
      render: (_, r) => {
        const tone = r.critical ? 'critical' : r.flag && r.flag !== 'N' ? 'abnormal' : 'normal';
        return (
          <span className={`rr-value rr-value--${tone}`}>
            {r.value}
            {r.flag && r.flag !== 'N' && (
              <>
                {' '}
                <span aria-hidden>{FLAG_MARK[r.flag]}</span>
                <span className="rec-sr-only">{t(`remoteRequests.report.flags.${r.flag}`)}</span>
              </>
            )}
          </span>
        );
      },
    },
    { title: t('remoteRequests.report.unit'), key: 'unit', width: 100, render: (_, r) => r.unit ?? '' },
    { title: t('remoteRequests.report.range'), key: 'range', width: 130, render: (_, r) => rangeText(r) },
    {
      title: t('remoteRequests.report.flag'),
      key: 'flag',
      width: 110,
      render: (_, r) =>
        r.critical ? (
          <CriticalTag />
        ) : r.flag && r.flag !== 'N' ? (
          <Tag color="orange">{t(`remoteRequests.report.flags.${r.flag}`)}</Tag>
        ) : null,
    },
  ];
  return (
    <Table<LabResult>
      rowKey={(r) => `${r.panel}:${r.code}`}
      size="small"
      columns={columns}
      dataSource={results}
      components={components}
      pagination={false}
      scroll={{ x: 680 }}
      rowClassName={(r) => (r.critical ? 'rr-row--critical' : '')}
      onRow={(r) =>
        ({ 'data-testid': 'lab-result', 'data-code': r.code, 'data-flag': r.flag ?? 'N' }) as never
      }
    />
  );
}

/** 诊断报告: the signed report as it came back, its lab results with flags, and 打印报告 (the PDF). */
export function ReportSection({
  report,
  accessionNo,
  panelNames,
}: {
  report: RemoteReportView | null;
  accessionNo: string;
  panelNames: ReadonlyMap<string, string>;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [printing, setPrinting] = useState(false);

  if (report?.status !== 'signed') {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('remoteRequests.report.waiting')} />;
  }
  const archiveId = report.archiveReportId;
  const measured = MEASUREMENTS.flatMap(([key, unit]) => {
    const value = report.measurements?.[key];
    return typeof value === 'number' || (typeof value === 'string' && value)
      ? [
          {
            key,
            label: t(`remoteRequests.report.measure.${key}`),
            children: `${value}${unit ? ` ${unit}` : ''}`,
          },
        ]
      : [];
  });

  async function print() {
    if (!archiveId) return;
    setPrinting(true);
    try {
      await openPdf(`/diagnostic-reports/${archiveId}/pdf`, `${accessionNo}.pdf`);
    } catch (error) {
      message.error(t('remoteRequests.report.printFailed', { error: errorText(error, t) }));
    } finally {
      setPrinting(false);
    }
  }

  return (
    <div className="rr-report" data-testid="remote-report">
      <div className="rr-report__actions">
        {report.critical && <CriticalTag />}
        <Button
          type="primary"
          icon={<PrinterOutlined aria-hidden />}
          disabled={!archiveId}
          loading={printing}
          onClick={() => void print()}
          data-testid="remote-report-print"
        >
          {t('remoteRequests.report.print')}
        </Button>
      </div>
      <Descriptions
        column={1}
        bordered
        size="small"
        items={[
          {
            key: 'conclusion',
            label: t('remoteRequests.report.conclusion'),
            children: (
              <Typography.Text strong className="rr-pre" data-testid="remote-report-conclusion">
                {report.conclusion}
              </Typography.Text>
            ),
          },
          ...(report.findings
            ? [
                {
                  key: 'findings',
                  label: t('remoteRequests.report.findings'),
                  children: <span className="rr-pre">{report.findings}</span>,
                },
              ]
            : []),
          ...(report.recommendations
            ? [
                {
                  key: 'recommendations',
                  label: t('remoteRequests.report.recommendations'),
                  children: <span className="rr-pre">{report.recommendations}</span>,
                },
              ]
            : []),
          ...(report.critical && report.criticalNote
            ? [{ key: 'critical', label: t('remoteRequests.report.critical'), children: report.criticalNote }]
            : []),
          ...measured,
          {
            key: 'signer',
            label: t('remoteRequests.report.signer'),
            children: (
              <span data-testid="remote-report-signer">
                <SafetyCertificateOutlined aria-hidden /> {report.authorName}
                {report.authorTitle ? `（${report.authorTitle}）` : ''}
              </span>
            ),
          },
          {
            key: 'signedAt',
            label: t('remoteRequests.report.signedAt'),
            children: report.signedAt ? dateTime(report.signedAt) : '',
          },
          ...(report.certificateSerial
            ? [
                {
                  key: 'cert',
                  label: t('remoteRequests.report.certificate'),
                  children: report.certificateSerial,
                },
              ]
            : []),
        ]}
      />
      {report.results.length > 0 && (
        <>
          <Typography.Title level={4} className="rr-subtitle">
            {t('remoteRequests.report.results')}
          </Typography.Title>
          <ResultsTable results={report.results} panelNames={panelNames} />
        </>
      )}
    </div>
  );
}
