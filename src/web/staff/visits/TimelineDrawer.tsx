import { Drawer, Empty, Spin, Timeline, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { TimelineEntry, Timeline as VisitTimelinePage } from '../../../shared/visits.js';
import { useApiData } from '../../components/useApiData.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { workstationZh } from '../../i18n/workstation.zh-CN.js';
import { visitErrorText } from './visitApi.js';

type Kind = keyof typeof workstationZh.timeline.kinds;
type Role = keyof typeof workstationZh.timeline.roles;

type MessageKind = keyof typeof workstationZh.timeline.messageKinds;

/**
 * The details worth a line, in words: money, the referral, the diagnoses saved, a message's kind. Ids
 * and internal codes stay in the audit trail.
 */
function detailText(entry: TimelineEntry, t: TFunction): string {
  const d = entry.details;
  const parts: string[] = [];
  if (typeof d.amountFen === 'number')
    parts.push(t('workstation.timeline.details.amount', { amount: formatYuan(d.amountFen) }));
  if (typeof d.refundFen === 'number' && d.refundFen > 0) {
    parts.push(t('workstation.timeline.details.refund', { amount: formatYuan(d.refundFen) }));
  }
  if (entry.kind === 'referred_offline' && typeof d.reason === 'string') {
    parts.push(t('workstation.timeline.details.reason', { reason: d.reason }));
    const rec = d.recommendation as { institutionName?: string; departmentName?: string } | undefined;
    const place = [rec?.institutionName, rec?.departmentName].filter(Boolean).join(' · ');
    if (place) parts.push(t('workstation.timeline.details.recommendation', { place }));
  }
  if (Array.isArray(d.diagnoses) && d.diagnoses.length > 0) {
    parts.push(t('workstation.timeline.details.diagnoses', { codes: d.diagnoses.join('，') }));
  }
  if (typeof d.stars === 'number') parts.push(t('workstation.timeline.details.stars', { stars: d.stars }));
  if (
    entry.kind === 'message' &&
    d.messageKind !== 'system' &&
    typeof d.messageKind === 'string' &&
    d.messageKind in workstationZh.timeline.messageKinds
  ) {
    parts.push(t(`workstation.timeline.messageKinds.${d.messageKind as MessageKind}`));
  }
  if (typeof d.text === 'string') parts.push(d.text);
  return parts.join(' · ');
}

/** 时间线: everything that happened to the visit, in order, from GET /visits/{id}/timeline. */
export function TimelineDrawer({
  visitId,
  open,
  onClose,
}: {
  visitId: string;
  open: boolean;
  onClose(): void;
}) {
  const { t, i18n } = useTranslation();
  const { data, error } = useApiData<VisitTimelinePage>(open ? `/visits/${visitId}/timeline` : null);
  const kind = (k: string) =>
    k in workstationZh.timeline.kinds ? t(`workstation.timeline.kinds.${k as Kind}`) : k;
  const role = (r: string) =>
    r in workstationZh.timeline.roles ? t(`workstation.timeline.roles.${r as Role}`) : r;

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={440}
      title={t('workstation.timeline.title')}
      classNames={{ body: 'timeline-drawer__body' }}
      data-testid="timeline"
    >
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the long timeline scrolls in a region the keyboard must reach (axe scrollable-region-focusable); its entries hold nothing focusable. */}
      <section className="timeline-drawer__scroll" tabIndex={0} aria-label={t('workstation.timeline.title')}>
        {error ? (
          <Typography.Text type="danger">{visitErrorText(error, t)}</Typography.Text>
        ) : !data ? (
          <Spin className="staff-page__spin" />
        ) : data.items.length === 0 ? (
          <Empty description={t('workstation.timeline.empty')} />
        ) : (
          <Timeline
            items={data.items.map((entry, i) => {
              const details = detailText(entry, t);
              return {
                key: `${entry.at}-${i}`,
                title: formatDateTime(entry.at, i18n.language),
                content: (
                  <div className="timeline-entry" data-testid="timeline-entry">
                    <Typography.Text strong>{kind(entry.kind)}</Typography.Text>
                    <Typography.Text type="secondary" className="timeline-entry__actor">
                      {[role(entry.actorRole), entry.actorName].filter(Boolean).join(' ')}
                    </Typography.Text>
                    {details && <div className="timeline-entry__details">{details}</div>}
                  </div>
                ),
              };
            })}
          />
        )}
      </section>
    </Drawer>
  );
}
