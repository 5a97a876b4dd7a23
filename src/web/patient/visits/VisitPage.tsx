import { Button, Dialog, ErrorBlock, SpinLoading, Toast } from 'antd-mobile';
import { FileOutline, VideoOutline } from 'antd-mobile-icons';
import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { VisitStatus, VisitView } from '../../../shared/visits.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { formatYuan } from '../../format.js';
import { displayTitle, institutionDisplayName } from '../../names.js';
import { goToCashier, usePaymentPolling } from '../booking/payment.js';
import { PageHeader } from '../PageHeader.js';
import { VisitPrescriptions } from '../prescriptions/VisitPrescriptions.js';
import { useVisitChat } from './useVisitChat.js';
import { ChatInput, ChatMessages } from './VisitChat.js';
import { GuardianBanner, RatingCard, ReferralCard, VisitInfo, VisitStatusTag } from './VisitParts.js';
import { isVisitCancellable, visitErrorText } from './visitApi.js';
import './visits.css';

/** Visits opened at the end of the conversation (the rest open on their details). */
const FOLLOWED_FROM_THE_END: readonly VisitStatus[] = ['in_progress', 'completed', 'referred_offline'];

/** The queue moves without a frame for each step: look again this often while waiting. */
const QUEUE_REFRESH_MS = 10_000;

/** Doctor, state and what it means now: the place in the queue while waiting. */
function VisitHero({ visit, confirming }: { visit: VisitView; confirming: boolean }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const position = visit.queuePosition;
  const video =
    visit.status === 'in_progress' ||
    (visit.channel === 'video' && (visit.status === 'paid' || visit.status === 'waiting'));
  return (
    <header className={`visit-hero visit-hero--${visit.status}`} data-testid="visit-hero">
      <div className="visit-hero__doctor">
        <span className="visit-hero__avatar" aria-hidden>
          {(visit.doctorName ?? visit.departmentName).slice(0, 1)}
        </span>
        <div className="visit-hero__who">
          <div className="visit-hero__name">
            {visit.doctorName ?? t('visits.h5.waitingDoctor')}
            {visit.doctorTitle && (
              <span className="visit-hero__title">{displayTitle(visit.doctorTitle, i18n.language)}</span>
            )}
          </div>
          <div className="visit-hero__org">
            {visit.departmentName} · {institutionDisplayName(visit, i18n.language)}
          </div>
        </div>
        <VisitStatusTag status={visit.status} />
      </div>
      {visit.status === 'waiting' && position !== undefined && (
        <div className="visit-hero__queue" data-testid="visit-queue">
          {position > 1 ? t('visits.h5.queue', { count: position - 1 }) : t('visits.h5.queueNext')}
        </div>
      )}
      <div className="visit-hero__hint">
        {confirming ? (
          <>
            <SpinLoading className="appointment-hero__spin" color="white" />{' '}
            {t('visits.h5.confirmingPayment')}
          </>
        ) : (
          t(`visits.h5.statusHint.${visit.status}`)
        )}
      </div>
      {video ? (
        <Button
          className="visit-hero__action"
          size="small"
          shape="rounded"
          onClick={() => navigate(`/patient/visits/${visit.id}/video`)}
          data-testid="visit-video"
        >
          <VideoOutline /> {t('visits.h5.video')}
        </Button>
      ) : visit.status === 'completed' ? (
        <Button
          className="visit-hero__action"
          size="small"
          shape="rounded"
          onClick={() => navigate(`/patient/visits/${visit.id}/record`)}
          data-testid="visit-record"
        >
          <FileOutline /> {t('visits.h5.record')}
        </Button>
      ) : null}
    </header>
  );
}

/** One visit: its state, what can be done now, and the conversation with the doctor. */
export function VisitPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { data: visit, error, reload, setData } = useApiData<VisitView>(`/visits/${id}`);
  const chat = useVisitChat(id, reload);
  const confirming = usePaymentPolling(visit?.orderId, reload);
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  /** True while the reader is at the end of the conversation: it then follows new content. */
  const pinned = useRef(false);
  const seen = useRef(-1);

  const status = visit?.status;
  useEffect(() => {
    if (status !== 'waiting' && status !== 'paid') return;
    const timer = window.setInterval(reload, QUEUE_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [status, reload]);

  // New messages bring the end into view; the first load does so only once the visit is under way.
  const count = chat.messages.length + chat.pending.length + (chat.doctorTyping ? 1 : 0);
  const loaded = visit !== undefined && chat.ready;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !loaded) return;
    const first = seen.current < 0;
    if (count > seen.current && (!first || (status && FOLLOWED_FROM_THE_END.includes(status))))
      pinned.current = true;
    seen.current = count;
    if (pinned.current) el.scrollTop = el.scrollHeight;
  }, [count, loaded, status]);

  // Pictures load after their message: keep following the end while pinned to it.
  useEffect(() => {
    const el = scroller.current;
    const inner = content.current;
    if (!el || !inner || !loaded) return;
    const onScroll = () => {
      pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    };
    const observer = new ResizeObserver(() => {
      if (pinned.current) el.scrollTop = el.scrollHeight;
    });
    el.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(inner);
    return () => {
      el.removeEventListener('scroll', onScroll);
      observer.disconnect();
    };
  }, [loaded]);

  const pay = useCallback(async () => {
    if (!visit?.orderId) return;
    try {
      await goToCashier(visit.orderId);
    } catch (failure) {
      Toast.show({ content: visitErrorText(failure, t) });
      reload();
    }
  }, [visit?.orderId, reload, t]);

  async function cancel() {
    const ok = await Dialog.confirm({
      title: t('visits.h5.cancelTitle'),
      content: t('visits.h5.cancelConfirm'),
      confirmText: t('visits.h5.cancel'),
      cancelText: t('visits.h5.keep'),
    });
    if (!ok) return;
    try {
      setData(await post<VisitView>(`/visits/${id}/cancel`, {}));
      Toast.show({ icon: 'success', content: t('visits.h5.cancelled') });
    } catch (failure) {
      Toast.show({ content: visitErrorText(failure, t), duration: 3000 });
      reload();
    }
  }

  if (!visit) {
    return (
      <div className="patient-page" data-testid="visit-page">
        <PageHeader title={t('visits.h5.visitTitle')} back="/patient/visits" />
        {error !== undefined ? (
          <ErrorBlock className="patient-empty" status="default" title={t('visits.h5.notFound')} />
        ) : (
          <div className="patient-loading">
            <SpinLoading color="primary" />
          </div>
        )}
      </div>
    );
  }

  const chatOpen =
    !visit.chatClosed &&
    ['paid', 'waiting', 'in_progress', 'completed', 'referred_offline'].includes(visit.status);

  return (
    <div className="visit-page" data-testid="visit-page" data-status={visit.status}>
      <PageHeader title={t('visits.h5.visitTitle')} back="/patient/visits" />
      <VisitHero visit={visit} confirming={confirming} />
      {!chat.online && <div className="visit-offline">{t('visits.h5.reconnecting')}</div>}
      <div className="visit-scroll" ref={scroller}>
        <div ref={content}>
          {visit.guardianRequired &&
            !visit.guardianConfirmedAt &&
            (visit.status === 'paid' || visit.status === 'waiting') && (
              <GuardianBanner visit={visit} onChange={setData} />
            )}
          {visit.status === 'requested' && visit.orderId && !confirming && (
            <div className="patient-page__actions">
              <Button block color="primary" size="large" onClick={pay} data-testid="visit-pay">
                {t('visits.h5.pay', { amount: formatYuan(visit.feeFen) })}
              </Button>
            </div>
          )}
          <VisitInfo visit={visit} />
          {(visit.status === 'in_progress' || visit.status === 'completed') && (
            <VisitPrescriptions visitId={visit.id} live={visit.status === 'in_progress'} />
          )}
          {isVisitCancellable(visit.status) && !confirming && (
            <div className="visit-cancel">
              <Button size="small" color="danger" fill="none" onClick={cancel} data-testid="visit-cancel">
                {t('visits.h5.cancel')}
              </Button>
            </div>
          )}
          <ChatMessages chat={chat} />
          {visit.chatClosed && <p className="chat-empty">{t('visits.h5.chatClosed')}</p>}
          {visit.status === 'referred_offline' && <ReferralCard visit={visit} />}
          {visit.status === 'completed' && <RatingCard visit={visit} onChange={setData} />}
        </div>
      </div>
      {chatOpen && <ChatInput chat={chat} />}
    </div>
  );
}
