import { Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VisitView } from '../../../shared/visits.js';
import { carriesDiagnosis, RecordPanel } from '../visits/RecordPanel.js';
import { PrescriptionPanel } from './PrescriptionPanel.js';

/**
 * The visit workspace's right column: the medical record and, for a visit that may carry a prescription
 * (a follow-up or pilot first visit, VISIT-6), 处方 beside it. Both stay mounted when switching, so a
 * half-written record or prescription is not lost; the column widens while 处方 is open.
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
  if (!carriesDiagnosis(visit)) return record;
  return (
    <Tabs
      activeKey={tab}
      onChange={setTab}
      size="small"
      className={tab === 'prescription' ? 'workspace-tabs workspace-tabs--rx' : 'workspace-tabs'}
      data-testid="workspace-tabs"
      items={[
        { key: 'record', label: t('rxStaff.panel.recordTab'), children: record },
        {
          key: 'prescription',
          label: t('rxStaff.panel.tab'),
          children: <PrescriptionPanel visit={visit} />,
        },
      ]}
    />
  );
}
