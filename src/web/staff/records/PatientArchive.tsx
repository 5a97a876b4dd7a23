import { InfoCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Spin, Tabs, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Archive, RecordCategory } from '../../../shared/records.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { ArchiveSummary } from './ArchiveSummary.js';
import { ArchiveTimeline } from './ArchiveTimeline.js';
import { CareRefusal } from './CareRefusal.js';
import { ExamReports } from './ExamReports.js';
import { HiddenNotice, RelationshipTag } from './HiddenNotice.js';
import { LabResults } from './LabResults.js';
import { isCareRefusal, isHidden } from './results.js';
import './records.css';

/** Who the patient is and why the reader may read: name, sex, age, masked ID and the relationship. */
function ArchiveHeader({ archive, compact }: { archive: Archive; compact: boolean }) {
  const { t } = useTranslation();
  const p = archive.patient;
  const who = [
    p.sex ? t(`patient.sex.${p.sex}`) : null,
    p.age === null ? null : t('recordsStaff.archive.ageValue', { age: p.age }),
    p.idNumberMasked,
  ].filter(Boolean);
  return (
    <div className="rec-header" data-testid="archive-header">
      <Typography.Title level={compact ? 3 : 2} className="rec-header__name">
        {compact ? t('recordsStaff.archive.title') : `${t('recordsStaff.archive.title')} · ${p.name}`}
      </Typography.Title>
      {!compact && <span className="rec-header__who">{who.join(' · ')}</span>}
      <span className="rec-header__access">
        {t('recordsStaff.archive.accessVia')}
        <RelationshipTag relationship={archive.relationship} />
      </span>
    </div>
  );
}

/**
 * 患者档案 as a doctor or nurse sees it (SEC-1): the archive exactly as far as the care relationship
 * allows. A section outside the patient's authorisation says so; no relationship at all is explained,
 * with 紧急调阅 for an emergency. `compact` is the visit workspace's tab (a narrow column).
 */
export function PatientArchive({ patientId, compact = false }: { patientId: string; compact?: boolean }) {
  const { t } = useTranslation();
  const archive = useApiData<Archive>(`/patients/${patientId}/archive`);
  const [tab, setTab] = useState('summary');

  const a = archive.data;
  if (!a) {
    if (archive.error === undefined) return <Spin className="staff-page__spin" />;
    if (isCareRefusal(archive.error)) return <CareRefusal patientId={patientId} onOpened={archive.reload} />;
    return (
      <Alert
        type="error"
        showIcon
        title={t('recordsStaff.archive.loadFailed')}
        description={errorText(archive.error, t)}
        action={<Button onClick={archive.reload}>{t('common.retry')}</Button>}
      />
    );
  }

  const gated = (category: RecordCategory, content: ReactNode) =>
    isHidden(a, category) ? <HiddenNotice category={category} /> : content;

  return (
    <div
      className={compact ? 'rec-archive rec-archive--compact' : 'rec-archive'}
      data-testid="patient-archive"
    >
      <ArchiveHeader archive={a} compact={compact} />
      {a.hiddenCategories.length > 0 && (
        <Alert
          type="info"
          showIcon
          icon={<InfoCircleOutlined aria-hidden />}
          className="rec-hidden-summary"
          data-testid="hidden-summary"
          title={t('recordsStaff.archive.hiddenSummary', {
            list: a.hiddenCategories.map((c) => t(`recordsStaff.category.${c}`)).join('、'),
          })}
        />
      )}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        size={compact ? 'small' : 'middle'}
        className="rec-tabs"
        aria-label={t('recordsStaff.archive.tabsLabel')}
        items={[
          {
            key: 'summary',
            label: t('recordsStaff.archive.tabs.summary'),
            children: <ArchiveSummary archive={a} compact={compact} />,
          },
          {
            key: 'timeline',
            label: t('recordsStaff.archive.tabs.timeline'),
            children: <ArchiveTimeline patientId={patientId} />,
          },
          {
            key: 'labs',
            label: t('recordsStaff.archive.tabs.labs'),
            children: gated('labs', <LabResults patientId={patientId} compact={compact} />),
          },
          {
            key: 'exams',
            label: t('recordsStaff.archive.tabs.exams'),
            children: gated('exams', <ExamReports patientId={patientId} compact={compact} />),
          },
        ]}
      />
    </div>
  );
}
