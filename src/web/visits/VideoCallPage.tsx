import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { VisitView } from '../../shared/visits.js';
import { useApiData } from '../components/useApiData.js';
import { VisitSocket } from './socket.js';
import { VideoCallView } from './VideoCallView.js';
import { CallController, type CallRole } from './video.js';

/**
 * A visit's video call page: its own visit WebSocket following the visit, a call controller over it, and
 * the full-screen call. Leaving the page hangs up; back goes to the visit.
 */
export function VideoCallPage({ visitId, side, back }: { visitId: string; side: CallRole; back: string }) {
  const navigate = useNavigate();
  const [controller, setController] = useState<CallController | null>(null);
  const visit = useApiData<VisitView>(`/visits/${visitId}`);

  useEffect(() => {
    const socket = new VisitSocket();
    socket.follow(visitId);
    const call = new CallController(socket, visitId, side);
    setController(call);
    return () => {
      call.dispose();
      socket.close();
    };
  }, [visitId, side]);

  if (!controller) return null;
  const v = visit.data;
  const peerName = v
    ? side === 'patient'
      ? [v.doctorName, v.doctorTitle].filter(Boolean).join(' ') || undefined
      : v.patientName
    : undefined;
  return <VideoCallView controller={controller} peerName={peerName} onBack={() => navigate(back)} />;
}

/** /patient/visits/:id/video */
export function PatientVideoCallPage() {
  const { id = '' } = useParams();
  return <VideoCallPage visitId={id} side="patient" back={`/patient/visits/${id}`} />;
}

/** /clinic/onlineVisits/:visitId/video */
export function ClinicVideoCallPage() {
  const { visitId = '' } = useParams();
  return <VideoCallPage visitId={visitId} side="doctor" back={`/clinic/onlineVisits/${visitId}`} />;
}
