import { Button, Dialog, ErrorBlock, SpinLoading, Tag, Toast } from 'antd-mobile';
import { CheckShieldOutline } from 'antd-mobile-icons';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import type { ObservationView, ReportView } from '../../../shared/records.js';
import { get, getBlob } from '../../api.js';
import { errorText } from '../../errors.js';
import { PageHeader } from '../PageHeader.js';
import { FlagMark, PatientNote } from './RecordsParts.js';
import { AbnormalCount } from './ReportsPage.js';
import { flagTone, fullTime, isBloodPressure, referenceText, valueText, withPatient } from './records.js';
import { useRecordsPatient } from './useRecordsPatient.js';
import './records.css';

/** Reports are few per person: the one asked for is found in their pages (at most 20 × 50). */
async function findReport(patientId: string, reportId: string): Promise<ReportView | null> {
  let before: string | null = null;
  for (let i = 0; i < 20; i++) {
    const path: string = `/patients/${patientId}/reports?limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`;
    const page: Page<ReportView> = await get<Page<ReportView>>(path);
    const found = page.items.find((r) => r.id === reportId);
    if (found) return found;
    if (!page.nextCursor) return null;
    before = page.nextCursor;
  }
  return null;
}

/** The report: passed along from the list when it was tapped there, else looked up. */
function useReport(patientId: string | undefined, reportId: string) {
  const location = useLocation();
  const passed = (location.state as { report?: ReportView } | null)?.report;
  const [report, setReport] = useState<ReportView | null | undefined>(
    passed?.id === reportId ? passed : undefined,
  );
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (report !== undefined || !patientId) return;
    let live = true;
    findReport(patientId, reportId).then(
      (found) => live && setReport(found),
      (failure) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [patientId, reportId, report]);

  return { report, error };
}

/** 检验结果 as the lab prints them: item, result with ↑ ↓, unit, reference range; an item opens its trend. */
function ResultTable({
  observations,
  patientId,
}: {
  observations: ObservationView[];
  patientId: string | undefined;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <div className="records-table-wrap">
      <table className="records-table" data-testid="report-values">
        <caption className="records-sr-only">{t('recordsPatient.report.values')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('recordsPatient.report.item')}</th>
            <th scope="col">{t('recordsPatient.report.result')}</th>
            <th scope="col">{t('recordsPatient.report.unit')}</th>
            <th scope="col">{t('recordsPatient.report.range')}</th>
          </tr>
        </thead>
        <tbody>
          {observations.map((o) => {
            const tone = flagTone(o.flag);
            const trend =
              o.valueNum !== null
                ? withPatient(
                    isBloodPressure(o)
                      ? '/patient/records/trends/bp'
                      : `/patient/records/trends/lab/${encodeURIComponent(o.code)}`,
                    patientId,
                  )
                : null;
            return (
              <tr
                key={o.id}
                className={`records-table__row--${tone}`}
                data-testid="report-value"
                data-code={o.code}
                data-flag={o.flag ?? 'N'}
              >
                <th scope="row">
                  {trend ? (
                    <button
                      type="button"
                      className="records-link"
                      onClick={() => navigate(trend)}
                      aria-label={t('recordsPatient.report.trendOf', { name: o.name })}
                    >
                      {o.name}
                    </button>
                  ) : (
                    o.name
                  )}
                </th>
                <td className={`records-value records-value--${tone}`}>
                  {valueText(o)}
                  <FlagMark flag={o.flag} />
                </td>
                <td className="records-unit">{o.unit ?? ''}</td>
                <td className="records-range">{referenceText(o)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="records-legend">{t('recordsPatient.report.legend')}</p>
    </div>
  );
}

/** "已签名 · 可验证": who signed the conclusion and when, behind a tap; no raw digests for a patient. */
function SignedBadge({ signed }: { signed: NonNullable<ReportView['signed']> }) {
  const { t } = useTranslation();
  return (
    <Button
      size="small"
      fill="outline"
      color="success"
      className="records-signed"
      data-testid="report-signed"
      onClick={() =>
        Dialog.alert({
          title: t('recordsPatient.report.signedTitle'),
          content: (
            <div className="records-signed__detail" data-testid="report-signed-detail">
              <p>{t('recordsPatient.report.signedBy', { name: signed.signedBy })}</p>
              <p>{t('recordsPatient.report.signedAt', { time: fullTime(signed.signedAt) })}</p>
              <p className="records-muted">{t('recordsPatient.report.signedExplain')}</p>
            </div>
          ),
          confirmText: t('recordsPatient.common.gotIt'),
        })
      }
    >
      <CheckShieldOutline aria-hidden /> {t('recordsPatient.report.signed')}
    </Button>
  );
}

/**
 * [11/12] 查看/下载报告 PDF: a signed remote-diagnosis report (source 'remote') as the centre printed it, with
 * its verifying QR code. The PDF needs the bearer token, so it is fetched and opened as a blob; the tab is
 * opened inside the tap so the browser does not block it.
 */
function RemotePdfButton({ report }: { report: ReportView }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  async function open() {
    setBusy(true);
    const tab = window.open('', '_blank');
    try {
      const blob = await getBlob(`/diagnostic-reports/${report.id}/pdf`);
      const url = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }));
      if (tab) tab.location.href = url;
      else {
        const link = document.createElement('a');
        link.href = url;
        link.download = `${report.name}.pdf`;
        link.click();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      tab?.close();
      Toast.show({ icon: 'fail', content: errorText(error, t) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button
      block
      color="primary"
      fill="outline"
      loading={busy}
      onClick={() => void open()}
      data-testid="report-pdf"
    >
      {t('recordsPatient.report.pdf')}
    </Button>
  );
}

function ReportBody({ report, patientId }: { report: ReportView; patientId: string | undefined }) {
  const { t } = useTranslation();
  const people = [
    report.performerName &&
      t(
        report.category === 'labs'
          ? 'recordsPatient.report.performerLab'
          : 'recordsPatient.report.performerExam',
        {
          name: report.performerName,
        },
      ),
    report.verifierName && t('recordsPatient.report.verifier', { name: report.verifierName }),
  ].filter(Boolean);
  return (
    <>
      <section className="booking-card" aria-labelledby="report-title" data-testid="report-head">
        <h2 className="records-report__title" id="report-title">
          {report.name}
        </h2>
        <div className="records-report__tags">
          <Tag fill="outline" color="primary">
            {t(`recordsPatient.reportKind.${report.kind}`)}
          </Tag>
          {report.status !== 'final' && (
            <Tag fill="outline" color="warning">
              {t(`recordsPatient.reportStatus.${report.status}` as never, { defaultValue: report.status })}
            </Tag>
          )}
          <AbnormalCount report={report} />
        </div>
        <dl className="records-facts">
          {report.institutionName && (
            <div>
              <dt>{t('recordsPatient.report.institution')}</dt>
              <dd>{report.institutionName}</dd>
            </div>
          )}
          <div>
            <dt>
              {t(
                report.category === 'labs'
                  ? 'recordsPatient.report.collectedAt'
                  : 'recordsPatient.report.examinedAt',
              )}
            </dt>
            <dd>{fullTime(report.effectiveAt)}</dd>
          </div>
          <div>
            <dt>{t('recordsPatient.report.issuedAt')}</dt>
            <dd>{fullTime(report.issuedAt)}</dd>
          </div>
          {people.length > 0 && (
            <div>
              <dt>
                {t(
                  report.category === 'labs'
                    ? 'recordsPatient.report.people'
                    : 'recordsPatient.report.peopleExam',
                )}
              </dt>
              <dd>{people.join(' · ')}</dd>
            </div>
          )}
        </dl>
      </section>

      {report.observations.length > 0 && (
        <section className="booking-card" aria-labelledby="report-values-title">
          <h2 className="booking-card__title" id="report-values-title">
            {t('recordsPatient.report.values')}
          </h2>
          <ResultTable observations={report.observations} patientId={patientId} />
        </section>
      )}

      {report.findings && (
        <section className="booking-card" aria-labelledby="report-findings">
          <h2 className="booking-card__title" id="report-findings">
            {t('recordsPatient.report.findings')}
          </h2>
          <p className="records-text" data-testid="report-findings">
            {report.findings}
          </p>
        </section>
      )}

      {(report.conclusion || report.signed) && (
        <section className="booking-card" aria-labelledby="report-conclusion">
          <h2 className="booking-card__title records-conclusion__title" id="report-conclusion">
            {t('recordsPatient.report.conclusion')}
            {report.signed && <SignedBadge signed={report.signed} />}
          </h2>
          {report.conclusion && (
            <p className="records-text records-conclusion" data-testid="report-conclusion">
              {report.conclusion}
            </p>
          )}
        </section>
      )}
      {/* The `source` field is new in [11/12]: an older server leaves it out, and then there is no PDF. */}
      {report.source === 'remote' && (
        <div className="records-actions">
          <RemotePdfButton report={report} />
        </div>
      )}
      <p className="patient-page__footnote">{t('recordsPatient.report.disclaimer')}</p>
    </>
  );
}

/** One report: a lab report's values with their marks, or an examination's findings and signed conclusion. */
export function ReportPage() {
  const { t } = useTranslation();
  const { reportId = '' } = useParams();
  const patient = useRecordsPatient();
  const { report, error } = useReport(patient.patientId, reportId);
  const back = withPatient('/patient/records/reports', patient.chosen);
  const kindBack =
    report && report.category === 'exams' ? `${back}${back.includes('?') ? '&' : '?'}kind=exam` : back;

  return (
    <div className="patient-page records-page" data-testid="records-report" data-id={reportId}>
      <PageHeader title={t('recordsPatient.titles.report')} back={kindBack} />
      <PatientNote patient={patient} />
      {report ? (
        <ReportBody report={report} patientId={patient.chosen} />
      ) : report === null || error !== undefined ? (
        <ErrorBlock
          className="patient-empty"
          status="default"
          title={
            report === null ? t('recordsPatient.report.notFound') : t('recordsPatient.common.loadFailed')
          }
          description={error !== undefined ? errorText(error, t) : undefined}
        />
      ) : (
        <div className="patient-loading">
          <SpinLoading color="primary" />
        </div>
      )}
    </div>
  );
}
