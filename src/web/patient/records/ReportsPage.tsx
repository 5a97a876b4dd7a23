import { Tabs, Tag } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { ReportView } from '../../../shared/records.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { LoadMore, PatientNote } from './RecordsParts.js';
import { fullTime, withPatient } from './records.js';
import { usePaged } from './usePaged.js';
import { useRecordsPatient } from './useRecordsPatient.js';
import './records.css';

type Kind = 'lab' | 'exam';

/** 2 项异常 — with a word, not only a red colour; 全部正常 otherwise. */
export function AbnormalCount({ report }: { report: Pick<ReportView, 'abnormalCount' | 'category'> }) {
  const { t } = useTranslation();
  if (report.abnormalCount > 0) {
    return (
      <Tag color="danger" fill="outline" data-testid="report-abnormal">
        {t('recordsPatient.reports.abnormal', { count: report.abnormalCount })}
      </Tag>
    );
  }
  if (report.category !== 'labs') return null;
  return (
    <Tag color="success" fill="outline">
      {t('recordsPatient.reports.allNormal')}
    </Tag>
  );
}

/** 检验检查: the lab reports (检验) and the examination reports (检查) of one person, newest first. */
export function ReportsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const patient = useRecordsPatient();
  const [params, setParams] = useSearchParams();
  const kind: Kind = params.get('kind') === 'exam' ? 'exam' : 'lab';
  const paged = usePaged<ReportView>(
    patient.patientId ? `/patients/${patient.patientId}/reports?kind=${kind}&limit=20` : null,
    (report) => report.id,
  );

  return (
    <div className="patient-page records-page" data-testid="records-reports">
      <PageHeader
        title={t('recordsPatient.titles.reports')}
        back={withPatient('/patient/records', patient.chosen)}
      />
      <PatientNote patient={patient} />
      <Tabs
        className="records-tabs"
        activeKey={kind}
        onChange={(key) => {
          const next = new URLSearchParams(params);
          next.set('kind', key);
          setParams(next, { replace: true });
        }}
      >
        <Tabs.Tab title={t('recordsPatient.reports.lab')} key="lab" />
        <Tabs.Tab title={t('recordsPatient.reports.exam')} key="exam" />
      </Tabs>
      <Loadable
        items={paged.items}
        error={paged.error}
        empty={kind === 'lab' ? t('recordsPatient.reports.emptyLab') : t('recordsPatient.reports.emptyExam')}
      >
        {(items) => (
          <>
            <ul className="booking-card records-rows">
              {items.map((report) => (
                <li key={report.id}>
                  <button
                    type="button"
                    className="records-row-button"
                    data-testid="report-item"
                    data-id={report.id}
                    onClick={() =>
                      navigate(withPatient(`/patient/records/reports/${report.id}`, patient.chosen), {
                        state: { report },
                      })
                    }
                  >
                    <span className="records-row__head">
                      <span className="records-report__name">{report.name}</span>
                      {report.kind !== 'lab' && (
                        <Tag fill="outline">{t(`recordsPatient.reportKind.${report.kind}`)}</Tag>
                      )}
                      <AbnormalCount report={report} />
                    </span>
                    <span className="records-muted">
                      {[fullTime(report.effectiveAt), report.institutionName].filter(Boolean).join(' · ')}
                    </span>
                    <RightOutline className="records-row__arrow" aria-hidden />
                  </button>
                </li>
              ))}
            </ul>
            <LoadMore hasMore={paged.hasMore} loadMore={paged.loadMore} testId="reports-more" />
          </>
        )}
      </Loadable>
    </div>
  );
}
