import { Alert, Descriptions, Drawer, Empty, Spin, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Timeline as VisitTimelinePage, VisitView } from '../../../shared/visits.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatYuan } from '../../format.js';
import { formatInstant } from './format.js';
import { VisitStatusTag, VisitTypeTag } from './tags.js';
import { kindColor, kindLabel, type TimelineItem, timelineItems } from './timeline.js';

/** 问诊时间线 (VISIT-5): the visit in brief, then every event in order, times in Shanghai. */
export function VisitTimelineDrawer({ visit, onClose }: { visit: VisitView | undefined; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Drawer
      open={visit !== undefined}
      size={640}
      title={t('supervision.timeline.title')}
      onClose={onClose}
      destroyOnHidden
    >
      {visit && <VisitTimeline visit={visit} />}
    </Drawer>
  );
}

function VisitTimeline({ visit }: { visit: VisitView }) {
  const { t } = useTranslation();
  const timeline = useApiData<VisitTimelinePage>(`/visits/${visit.id}/timeline`);
  const condition = [visit.conditionCode, visit.conditionName].filter(Boolean).join(' ');

  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the drawer's body scrolls a long timeline whose entries hold nothing focusable; the region takes keyboard focus so it can be scrolled without a mouse (axe scrollable-region-focusable).
    <section data-testid="visit-timeline" tabIndex={0} aria-label={t('supervision.timeline.title')}>
      <Descriptions
        size="small"
        column={2}
        bordered
        className="timeline-summary"
        items={[
          {
            key: 'type',
            label: t('supervision.visits.type'),
            children: (
              <>
                <VisitTypeTag type={visit.type} /> {t(`supervision.channel.${visit.channel}`)}
              </>
            ),
          },
          {
            key: 'status',
            label: t('supervision.visits.status'),
            children: <VisitStatusTag status={visit.status} />,
          },
          {
            key: 'patient',
            label: t('supervision.visits.patient'),
            children: `${visit.patientName}（${t('supervision.visits.patientAge', {
              sex: t(`patient.sex.${visit.patientSex}`),
              age: visit.patientAge,
            })}）`,
          },
          {
            key: 'doctor',
            label: t('supervision.visits.doctor'),
            children: visit.doctorName
              ? [visit.doctorName, visit.doctorTitle].filter(Boolean).join(' · ')
              : t('supervision.visits.unassigned'),
          },
          {
            key: 'department',
            label: t('supervision.visits.department'),
            span: 2,
            children: `${visit.institutionName} · ${visit.departmentName}`,
          },
          ...(condition
            ? [{ key: 'condition', label: t('supervision.timeline.condition'), children: condition }]
            : []),
          { key: 'fee', label: t('supervision.visits.fee'), children: formatYuan(visit.feeFen) },
        ]}
      />
      {timeline.error !== undefined ? (
        <Alert type="error" showIcon title={errorText(timeline.error, t)} />
      ) : timeline.data === undefined ? (
        <Spin className="staff-page__spin" />
      ) : timeline.data.items.length === 0 ? (
        <Empty description={t('supervision.timeline.empty')} />
      ) : (
        <Timeline
          className="visit-timeline"
          mode="start"
          titleSpan={6}
          items={timelineItems(timeline.data.items, t).map((item, i) => ({
            key: `${item.at}-${i}`,
            color: kindColor(item.kind),
            title: <span className="visit-timeline__time">{formatInstant(item.at)}</span>,
            content: <TimelineEvent item={item} />,
          }))}
        />
      )}
    </section>
  );
}

function TimelineEvent({ item }: { item: TimelineItem }) {
  const { t } = useTranslation();
  return (
    <div className="visit-event" data-testid="timeline-event" data-kind={item.kind}>
      <div className="visit-event__head">
        <Typography.Text strong data-testid="timeline-kind">
          {kindLabel(item.kind, t)}
        </Typography.Text>
        {item.actor && <Typography.Text type="secondary">{item.actor}</Typography.Text>}
      </div>
      {item.details.length > 0 && (
        <div className="visit-event__details">
          {item.details.map(([label, value]) => (
            <span key={label} className="visit-event__detail">
              <span className="visit-event__label">{label}</span>
              {value}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
