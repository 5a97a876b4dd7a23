import { Badge, List } from 'antd-mobile';
import {
  BellOutline,
  CalendarOutline,
  CheckCircleOutline,
  ClockCircleOutline,
  CloseCircleOutline,
  PayCircleOutline,
} from 'antd-mobile-icons';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { AppNotification, NotificationPage } from '../../shared/notifications.js';
import { post } from '../api.js';
import { useApiData } from '../components/useApiData.js';
import { formatDateTime } from '../format.js';
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
                description={item.body}
                extra={<span className="message-time">{formatDateTime(item.createdAt, i18n.language)}</span>}
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
