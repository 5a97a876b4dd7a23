import { Button, Dialog, List, Tag, Toast } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { WaitlistItem, WaitlistPage } from '../../../shared/scheduling.js';
import { del } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDay } from '../../format.js';
import './appointments.css';
import './waitlist.css';

/** One waiting entry: 第 N 位, doctor, where, who, when, and 取消候补 behind a confirmation. */
function WaitlistCard({ item, onChanged }: { item: WaitlistItem; onChanged(): void }) {
  const { t, i18n } = useTranslation();
  const day = formatDay(item.date, i18n.language);

  async function cancel() {
    const ok = await Dialog.confirm({
      title: t('waitlist.cancelTitle'),
      content: t('waitlist.cancelConfirm', { doctor: item.doctorName, day }),
      confirmText: t('waitlist.cancel'),
      cancelText: t('waitlist.keep'),
    });
    if (!ok) return;
    try {
      await del(`/waitlist/${item.id}`);
      Toast.show({ icon: 'success', content: t('waitlist.cancelled') });
    } catch (error) {
      Toast.show({ content: errorText(error, t), duration: 3000 });
    }
    onChanged();
  }

  return (
    <List.Item className="appointment-card waitlist-card" data-testid="waitlist-item">
      <div className="appointment-card__head">
        <span className="appointment-card__doctor">{item.doctorName}</span>
        <span className="appointment-card__dept">{item.departmentName}</span>
        {item.position !== null && (
          <Tag
            color="warning"
            fill="outline"
            className="waitlist-card__position"
            data-testid="waitlist-position"
            aria-label={t('waitlist.positionLabel', { position: item.position })}
          >
            {t('waitlist.position', { position: item.position })}
          </Tag>
        )}
      </div>
      <div className="appointment-card__line">{item.institutionName}</div>
      <div className="appointment-card__line">{t('booking.h5.patientLine', { name: item.patientName })}</div>
      <div className="appointment-card__line appointment-card__when">
        {t('waitlist.session', { day, start: item.startTime, end: item.endTime })}
      </div>
      <div className="waitlist-card__actions">
        <Button size="small" color="danger" fill="outline" onClick={cancel} data-testid="waitlist-cancel">
          {t('waitlist.cancel')}
        </Button>
      </div>
    </List.Item>
  );
}

/** 候补中 in 我的预约: the waiting entries of me and my dependents; nothing when there are none. */
export function WaitlistSection() {
  const { t } = useTranslation();
  const { data, reload } = useApiData<WaitlistPage>('/waitlist?status=waiting');
  if (!data || data.items.length === 0) return null;
  return (
    <section className="waitlist-section" aria-labelledby="waitlist-heading" data-testid="waitlist-section">
      <h2 id="waitlist-heading" className="waitlist-section__title">
        {t('waitlist.section')}
      </h2>
      <p className="waitlist-section__hint">{t('waitlist.hint')}</p>
      <List className="patient-list appointment-list" mode="card">
        {data.items.map((item) => (
          <WaitlistCard key={item.id} item={item} onChanged={reload} />
        ))}
      </List>
    </section>
  );
}
