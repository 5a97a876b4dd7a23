import { ArrowLeftOutlined, FieldTimeOutlined, SwapOutlined } from '@ant-design/icons';
import { App, Button, Result, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { VisitView } from '../../../shared/visits.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { formatDateTime } from '../../format.js';
import { VisitSocket } from '../../visits/socket.js';
import { RecordTabs } from '../prescriptions/RecordTabs.js';
import { ChatPanel } from './ChatPanel.js';
import { PatientPanel } from './PatientPanel.js';
import { ReferOfflineModal } from './ReferOfflineModal.js';
import { TimelineDrawer } from './TimelineDrawer.js';
import { ChannelTag, sexAge, VisitStatusTag, VisitTypeTag } from './tags.js';
import { visitErrorText } from './visitApi.js';

/** One WebSocket for the page, closed when it goes (StrictMode mounts twice: each mount has its own). */
function useVisitSocket(): VisitSocket | undefined {
  const [socket, setSocket] = useState<VisitSocket>();
  useEffect(() => {
    const created = new VisitSocket();
    setSocket(created);
    return () => created.close();
  }, []);
  return socket;
}

/**
 * 接诊工作台 for one visit, three columns at 1280 px: the patient and the grounds of the visit, the chat,
 * and the medical record. The visit is reloaded whenever the server pushes a status change.
 */
export function VisitWorkspace() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { visitId = '' } = useParams();
  const visit = useApiData<VisitView>(`/visits/${visitId}`);
  const socket = useVisitSocket();
  const [timelineOpen, setTimelineOpen] = useState(false);
  const [referOpen, setReferOpen] = useState(false);
  const [starting, setStarting] = useState(false);
  const reload = visit.reload;

  useEffect(
    () =>
      socket?.onFrame((frame) => {
        if (frame.type === 'visit' && frame.visitId === visitId) reload();
      }),
    [socket, visitId, reload],
  );

  async function start() {
    setStarting(true);
    try {
      visit.setData(await post<VisitView>(`/visits/${visitId}/start`));
    } catch (failure) {
      message.error(visitErrorText(failure, t));
    } finally {
      setStarting(false);
    }
  }

  const v = visit.data;
  if (!v) {
    return visit.error ? (
      <Result
        status="warning"
        title={t('workstation.workspace.notFound')}
        subTitle={visitErrorText(visit.error, t)}
        extra={<Button onClick={() => navigate('..')}>{t('workstation.workspace.back')}</Button>}
      />
    ) : (
      <Spin className="staff-page__spin" />
    );
  }

  const canRefer = v.status === 'waiting' || v.status === 'in_progress';
  return (
    <div className="workspace" data-testid="visit-workspace">
      <div className="workspace__bar">
        <Button
          type="text"
          icon={<ArrowLeftOutlined aria-hidden />}
          onClick={() => navigate('..')}
          data-testid="back-to-queue"
        >
          {t('workstation.workspace.back')}
        </Button>
        <span className="workspace__who">
          <Typography.Text strong className="workspace__name">
            {v.patientName}
          </Typography.Text>
          <Typography.Text type="secondary">{sexAge(v, t)}</Typography.Text>
          <VisitTypeTag type={v.type} />
          <ChannelTag channel={v.channel} />
          <VisitStatusTag status={v.status} />
          {v.startedAt && (
            <Typography.Text type="secondary" className="workspace__started">
              {t('workstation.workspace.startedAt', { time: formatDateTime(v.startedAt, i18n.language) })}
            </Typography.Text>
          )}
        </span>
        <Space className="workspace__actions">
          {v.status === 'waiting' && (
            <Button type="primary" loading={starting} onClick={start} data-testid="workspace-start">
              {t('workstation.workspace.start')}
            </Button>
          )}
          <Button
            icon={<FieldTimeOutlined aria-hidden />}
            onClick={() => setTimelineOpen(true)}
            data-testid="timeline-open"
          >
            {t('workstation.workspace.timeline')}
          </Button>
          {canRefer && (
            <Button
              danger
              icon={<SwapOutlined aria-hidden />}
              onClick={() => setReferOpen(true)}
              data-testid="refer-open"
            >
              {t('workstation.workspace.refer')}
            </Button>
          )}
        </Space>
      </div>
      <div className="workspace__columns">
        <section
          className="workspace__col workspace__col--patient"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls on its own, so the keyboard must reach it (WCAG 2.1.1, axe scrollable-region-focusable); it is named.
          tabIndex={0}
          aria-label={t('workstation.workspace.patientCard')}
        >
          <PatientPanel visit={v} onChanged={visit.setData} />
        </section>
        <section className="workspace__col workspace__col--chat">
          {socket && <ChatPanel visit={v} socket={socket} />}
        </section>
        <section className="workspace__col workspace__col--record">
          <RecordTabs visit={v} onVisitChanged={visit.setData} />
        </section>
      </div>
      <TimelineDrawer visitId={v.id} open={timelineOpen} onClose={() => setTimelineOpen(false)} />
      <ReferOfflineModal
        visit={v}
        open={referOpen}
        onClose={() => setReferOpen(false)}
        onReferred={(next) => {
          setReferOpen(false);
          visit.setData(next);
        }}
      />
    </div>
  );
}
