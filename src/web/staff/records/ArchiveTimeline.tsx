import { ExclamationCircleFilled } from '@ant-design/icons';
import { Alert, Button, Empty, Spin, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { TimelineEntry } from '../../../shared/records.js';
import { get } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { dateTime } from './results.js';

const KIND_COLOUR: Record<TimelineEntry['kind'], string> = {
  encounter: 'blue',
  diagnosis: 'purple',
  prescription: 'cyan',
  dispense: 'green',
  lab_report: 'gold',
  exam_report: 'orange',
};

const path = (patientId: string, before?: string) =>
  `/patients/${patientId}/timeline?limit=20${before ? `&before=${encodeURIComponent(before)}` : ''}`;

/** 时间轴: encounters (online and offline), diagnoses, prescriptions, dispensing and reports, newest first. */
export function ArchiveTimeline({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const first = useApiData<Page<TimelineEntry>>(path(patientId));
  const [more, setMore] = useState<Page<TimelineEntry>[]>([]);
  const [loading, setLoading] = useState(false);
  const [moreError, setMoreError] = useState<unknown>();
  const pages = first.data ? [first.data, ...more] : [];
  const entries = pages.flatMap((p) => p.items);
  const cursor = pages.at(-1)?.nextCursor ?? undefined;

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    setMoreError(undefined);
    try {
      const next = await get<Page<TimelineEntry>>(path(patientId, cursor));
      setMore((loaded) => [...loaded, next]);
    } catch (failure) {
      setMoreError(failure);
    } finally {
      setLoading(false);
    }
  }

  if (first.error !== undefined && !first.data) {
    return <Alert type="error" showIcon title={errorText(first.error, t)} />;
  }
  if (!first.data) return <Spin className="staff-page__spin" />;
  if (entries.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('recordsStaff.timeline.empty')} />;
  }
  return (
    <div data-testid="archive-timeline">
      <Timeline
        className="rec-timeline"
        items={entries.map((e) => ({
          key: e.key,
          color: e.abnormal ? 'red' : KIND_COLOUR[e.kind],
          content: (
            <div className="rec-timeline__entry" data-testid="timeline-entry" data-kind={e.kind}>
              <div className="rec-timeline__head">
                <time className="rec-timeline__time" dateTime={e.at}>
                  {dateTime(e.at)}
                </time>
                <Tag variant="filled">{t(`recordsStaff.timeline.kind.${e.kind}`)}</Tag>
                {e.channel && <Tag>{t(`recordsStaff.timeline.channel.${e.channel}`)}</Tag>}
                {e.abnormal && (
                  <Tag color="error" icon={<ExclamationCircleFilled aria-hidden />}>
                    {t('recordsStaff.timeline.abnormal')}
                  </Tag>
                )}
              </div>
              <Typography.Text strong>{e.title}</Typography.Text>
              {(e.subtitle || e.institutionName) && (
                <div className="rec-sub">{[e.subtitle, e.institutionName].filter(Boolean).join(' · ')}</div>
              )}
            </div>
          ),
        }))}
      />
      {moreError !== undefined && <Alert type="error" showIcon title={errorText(moreError, t)} />}
      {cursor && (
        <div className="rec-more">
          <Button onClick={loadMore} loading={loading}>
            {t('recordsStaff.timeline.loadMore')}
          </Button>
        </div>
      )}
    </div>
  );
}
