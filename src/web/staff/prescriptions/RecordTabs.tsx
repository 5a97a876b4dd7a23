import { Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VisitView } from '../../../shared/visits.js';
import { PatientArchive } from '../records/PatientArchive.js';
import { carriesDiagnosis, RecordPanel } from '../visits/RecordPanel.js';
import { PrescriptionPanel } from './PrescriptionPanel.js';

/**
 * The visit workspace's right column: the medical record, for a visit that may carry a prescription
 * (a follow-up or pilot first visit, VISIT-6) 处方 beside it, and 患者档案 (the patient's archive as far as
 * the care relationship allows, SEC-1; loaded only when opened, since each read is logged for the
 * patient). All stay mounted when switching, so a half-written record or prescription is not lost; the
 * column widens while 处方 or 患者档案 is open.
 */
export function RecordTabs({
  visit,
  onVisitChanged,
}: {
  visit: VisitView;
  onVisitChanged(visit: VisitView): void;
}) {
  const { t } = useTranslation();
  const [tab, setTab] = useState('record');
  const record = <RecordPanel visit={visit} onVisitChanged={onVisitChanged} />;
  const wide =
    tab === 'prescription' ? ' workspace-tabs--rx' : tab === 'archive' ? ' workspace-tabs--archive' : '';
  return (
    <Tabs
      activeKey={tab}
      onChange={setTab}
      size="small"
      className={`workspace-tabs${wide}`}
      data-testid="workspace-tabs"
      items={[
        { key: 'record', label: t('rxStaff.panel.recordTab'), children: record },
        ...(carriesDiagnosis(visit)
          ? [
              {
                key: 'prescription',
                label: t('rxStaff.panel.tab'),
                children: <PrescriptionPanel visit={visit} />,
              },
            ]
          : []),
        {
          key: 'archive',
          label: t('recordsStaff.archive.title'),
          children: <PatientArchive patientId={visit.patientId} compact />,
        },
      ]}
    />
  );
}
