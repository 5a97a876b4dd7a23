import { Route, Routes } from 'react-router-dom';
import { QueuePage } from './QueuePage.js';
import { VisitWorkspace } from './VisitWorkspace.js';
import './visits.css';

/**
 * 在线接诊 (/clinic/onlineVisits): the queue, and one visit's workspace at /clinic/onlineVisits/:visitId.
 * The video call page (…/:visitId/video) is its own feature, linked from the chat.
 */
export function OnlineVisitsPage() {
  return (
    <Routes>
      <Route index element={<QueuePage />} />
      <Route path=":visitId" element={<VisitWorkspace />} />
    </Routes>
  );
}
