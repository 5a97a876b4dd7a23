import { Badge, List } from 'antd-mobile';
import {
  BellOutline,
  CalendarOutline,
  CheckCircleOutline,
  ClockCircleOutline,
  CloseCircleOutline,
  PayCircleOutline,
} from 'antd-mobile-icons';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { AppNotification, NotificationPage } from '../../shared/notifications.js';
import { post } from '../api.js';
import { useApiData } from '../components/useApiData.js';
import { addDays, formatDay, formatTime, shanghaiDate } from '../format.js';
import { Loadable } from './Loadable.js';
import { unreadChanged } from './unread.js';
import './booking/appointments.css';

const KIND_ICONS: Record<string, ReactNode> = {
  booked: <CalendarOutline />,
  waitlist_promoted: <CheckCircleOutline />,
  'payment.succeeded': <PayCircleOutline />,
  'refund.succeeded': <PayCircleOutline />,
  cancelled: <CloseCircleOutline />,
  schedule_stopped: <CloseCircleOutline />,
  hold_expired: <ClockCircleOutline />,
  reminder: <ClockCircleOutline />,
};

/** When a notice came, as other pages say it: 今天 14:30, 昨天 09:05, 12月7日 周一 14:30 (Shanghai). */
export function messageTime(iso: string, now: Date, t: TFunction, lang: string): string {
  const day = shanghaiDate(iso);
  const today = shanghaiDate(now);
  const time = formatTime(iso);
  if (day === today) return t('wording.messages.today', { time });
  if (day === addDays(today, -1)) return t('wording.messages.yesterday', { time });
  return `${formatDay(day, lang)} ${time}`;
}

/** Server-made bodies carry ISO days (2026-12-07): shown as 12月7日 周一 like everywhere else. */
export function readableDays(text: string, lang: string): string {
  return text.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (day) => formatDay(day, lang));
}

/** 消息: booking, payment and schedule notices, newest first; opening one marks it read. */
export function MessagesPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { data, error, setData } = useApiData<NotificationPage>('/notifications?limit=50');

  async function open(item: AppNotification) {
    if (!item.read && data) {
      setData({
        ...data,
        items: data.items.map((n) => (n.id === item.id ? { ...n, read: true } : n)),
        unread: Math.max(0, data.unread - 1),
      });
      await post(`/notifications/${item.id}/read`).catch(() => undefined);
      unreadChanged();
    }
    if (item.refType === 'appointment' && item.refId) navigate(`/patient/appointments/${item.refId}`);
    if (item.refType === 'waitlist') navigate('/patient/appointments');
  }

  return (
    <div className="patient-page" data-testid="patient-messages">
      <h1 className="patient-page__title">{t('patient.messages.title')}</h1>
      <Loadable
        items={data?.items}
        error={error}
        empty={t('patient.messages.empty')}
        emptyDesc={t('patient.messages.emptyDesc')}
      >
        {(items) => (
          <List className="patient-list message-list" mode="card">
            {items.map((item) => (
              <List.Item
                key={item.id}
                data-testid="notification-item"
                data-read={item.read}
                prefix={
                  <Badge content={item.read ? null : Badge.dot}>
                    <span className="message-icon">{KIND_ICONS[item.kind] ?? <BellOutline />}</span>
                  </Badge>
                }
                description={readableDays(item.body, i18n.language)}
                extra={
                  <span className="message-time">
                    {messageTime(item.createdAt, new Date(), t, i18n.language)}
                  </span>
                }
                onClick={() => open(item)}
              >
                <span className={item.read ? 'message-title' : 'message-title message-title--unread'}>
                  {item.title}
                </span>
              </List.Item>
            ))}
          </List>
        )}
      </Loadable>
    </div>
  );
}
