import { Route, Routes } from 'react-router-dom';
import { NewRequestPage } from './NewRequestPage.js';
import { RequestDetailPage } from './RequestDetailPage.js';
import { RequestListPage } from './RequestListPage.js';
import '../records/records.css';
import './remote.css';

/**
 * 远程诊断申请 (/clinic/remoteRequests, community doctor or nurse; 基层检查、上级诊断, REMOTE-1…REMOTE-5): the
 * institution's requests, a new request, and one request's material, progress and signed report.
 */
export function RemoteRequestsPage() {
  return (
    <Routes>
      <Route index element={<RequestListPage />} />
      <Route path="new" element={<NewRequestPage />} />
      <Route path=":id" element={<RequestDetailPage />} />
    </Routes>
  );
}
