import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router-dom';
import { PageHeader } from '../PageHeader.js';

/** Stub: the resident's family-doctor pages under /patient/family-doctor ([12/12] web work). */
export function FamilyDoctorRoutes() {
  const { t } = useTranslation();
  return (
    <Routes>
      <Route path="*" element={<PageHeader title={t('fdResident.title')} back="/patient" />} />
    </Routes>
  );
}
