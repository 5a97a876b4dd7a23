/**
 * The resident's family-doctor pages under /patient/family-doctor ([12/12], FD-1…FD-9). Every page takes
 * `?patient=` for a family member the account acts for (ID-6) and keeps it on its links.
 */
import { Navigate, Route, Routes } from 'react-router-dom';
import { ArticlePage, ArticlesPage } from './ArticlePages.js';
import { ContractPage } from './ContractPage.js';
import { FollowupsPage } from './FollowupsPage.js';
import { HomeServicePage } from './HomeServicePage.js';
import { CataloguePage, HomeServiceFormPage, HomeServicesPage } from './HomeServicePages.js';
import { OverviewPage } from './OverviewPage.js';
import { ReadingsPage } from './ReadingsPage.js';
import { SignPage } from './SignPage.js';
import { TeamPage, TeamsPage } from './TeamsPages.js';

export function FamilyDoctorRoutes() {
  return (
    <Routes>
      <Route index element={<OverviewPage />} />
      <Route path="teams" element={<TeamsPage />} />
      <Route path="teams/:teamId" element={<TeamPage />} />
      <Route path="sign" element={<SignPage />} />
      <Route path="contracts/:id" element={<ContractPage />} />
      <Route path="readings" element={<ReadingsPage />} />
      <Route path="followups" element={<FollowupsPage />} />
      <Route path="home-services" element={<HomeServicesPage />} />
      <Route path="home-services/catalogue" element={<CataloguePage />} />
      <Route path="home-services/new" element={<HomeServiceFormPage />} />
      <Route path="home-services/:id" element={<HomeServicePage />} />
      <Route path="articles" element={<ArticlesPage />} />
      <Route path="articles/:id" element={<ArticlePage />} />
      <Route path="*" element={<Navigate to="/patient/family-doctor" replace />} />
    </Routes>
  );
}
