import { Alert, App, Button, Space } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import type { CriticalAlertView } from '../../../shared/remote.js';
import { get, post } from '../../api.js';
import { errorText } from '../../errors.js';
import { dateTime, sexAgeText } from './parts.js';

/** How often the open alerts are asked for: a critical value must not wait for a page reload. */
const POLL_MS = 10_000;

/**
 * 危急值 (REMOTE-5, seed: critical values reach the requesting doctor at once): the open critical-value alerts
 * addressed to the caller, polled every 10 s, each a red alert with 确认接收. An acknowledged alert leaves the
 * banner; the request's detail then shows who acknowledged it and when (`onAcknowledged` reloads it).
 */
export function CriticalAlertsBanner({
  onAcknowledged,
  linkBase = '',
}: {
  onAcknowledged?(alert: CriticalAlertView): void;
  /** Where the request pages are (relative links from the list; '..' from a detail). */
  linkBase?: string;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [alerts, setAlerts] = useState<CriticalAlertView[]>([]);
  const [busy, setBusy] = useState<string>();

  const load = useCallback(async () => {
    try {
      const page = await get<Page<CriticalAlertView>>('/critical-alerts?status=open&limit=50');
      setAlerts(page.items.filter((a) => a.acknowledgedAt === null));
    } catch {
      // The next poll tries again; a failed poll must not hide the alerts already shown.
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  async function acknowledge(alert: CriticalAlertView) {
    setBusy(alert.id);
    try {
      await post(`/critical-alerts/${alert.id}/acknowledge`, {});
      setAlerts((current) => current.filter((a) => a.id !== alert.id));
      message.success(t('remoteRequests.alerts.acknowledged'));
      onAcknowledged?.(alert);
    } catch (error) {
      message.error(errorText(error, t));
    } finally {
      setBusy(undefined);
    }
  }

  if (alerts.length === 0) return null;
  return (
    <section
      className="rr-alerts"
      aria-label={t('remoteRequests.alerts.region')}
      data-testid="critical-alerts"
    >
      {alerts.map((alert) => (
        <Alert
          key={alert.id}
          type="error"
          showIcon
          role="alert"
          className="rr-alert"
          data-testid="critical-alert"
          data-request-id={alert.requestId}
          title={
            <strong>
              {t('remoteRequests.alerts.title', { patient: alert.patient.name, no: alert.accessionNo })}
              <span className="rr-alert__patient"> {sexAgeText(alert.patient, t)}</span>
            </strong>
          }
          description={
            <>
              <div className="rr-alert__reason">
                {t('remoteRequests.alerts.body', { reason: alert.reason })}
              </div>
              <div className="rr-alert__from">
                {t('remoteRequests.alerts.from', {
                  centre: alert.centreName,
                  doctor: alert.raisedByName,
                  time: dateTime(alert.raisedAt),
                })}
              </div>
            </>
          }
          action={
            <Space orientation="vertical" size={4}>
              <Button
                danger
                type="primary"
                loading={busy === alert.id}
                onClick={() => void acknowledge(alert)}
                aria-label={t('remoteRequests.alerts.acknowledgeLabel', { patient: alert.patient.name })}
                data-testid="critical-acknowledge"
              >
                {t('remoteRequests.alerts.acknowledge')}
              </Button>
              <Link to={`${linkBase}${alert.requestId}`}>{t('remoteRequests.alerts.open')}</Link>
            </Space>
          }
        />
      ))}
    </section>
  );
}
