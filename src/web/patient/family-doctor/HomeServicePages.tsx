/**
 * 上门服务 (FD-5, FD-9): the resident's requests, the catalogue (上门巡诊 / 家庭病床 / 上门护理) with the fee of
 * each (the item's fee plus the visit fee by the provider's title), the request form (item, day and time
 * window, address, note) paid at the cashier, and one request: the 核验码 in big digits to show the nurse
 * at the door, the status timeline, the visit record, and a rating once completed (HomeServicePage.tsx).
 */
import { Button, ErrorBlock, Selector, Tag, TextArea } from 'antd-mobile';
import { AddOutline, RightOutline } from 'antd-mobile-icons';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type {
  HomeServiceItemList,
  HomeServiceStatus,
  HomeServiceView,
} from '../../../shared/family-doctor.js';
import type { Page } from '../../../shared/http.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { addDays, formatDay, formatWindow, formatYuan, shanghaiDate, shanghaiInstant } from '../../format.js';
import { goToCashier } from '../booking/payment.js';
import type { AddressList } from '../prescriptions/types.js';
import { Card, Frame, ProblemNote, Waiting } from './FdParts.js';
import { fdPath, SERVICE_WINDOWS, useFdPatient } from './fd.js';

const CATEGORIES = ['visit', 'sickbed', 'nursing'] as const;
type Category = (typeof CATEGORIES)[number];
const STATUS_COLOR: Record<HomeServiceStatus, 'primary' | 'success' | 'warning' | 'default'> = {
  pending_payment: 'warning',
  requested: 'primary',
  accepted: 'primary',
  in_service: 'primary',
  completed: 'success',
  cancelled: 'default',
};
/** Days a visit can be asked for: from tomorrow, two weeks ahead. */
const DAYS_AHEAD = 14;

/** The catalogue priced for this resident (a home visit by the title of their team's lead, FD-5). */
function itemsPath(patientId: string | undefined): string {
  return `/family-doctor/home-service-items${patientId ? `?patientId=${patientId}` : ''}`;
}

export function StatusTag({ status, onDark }: { status: HomeServiceStatus; onDark?: boolean }) {
  const { t } = useTranslation();
  if (onDark) {
    return (
      <span className="fd-hero__badge" data-testid="fd-hs-status" data-status={status}>
        {t(`fdResident.homeServices.status.${status}`)}
      </span>
    );
  }
  return (
    <Tag color={STATUS_COLOR[status]} fill="outline" data-testid="fd-hs-status" data-status={status}>
      {t(`fdResident.homeServices.status.${status}`)}
    </Tag>
  );
}

/** 我的上门服务: the requests, newest first, and the way to a new one. */
export function HomeServicesPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const patient = useFdPatient();
  const { data, error } = useApiData<Page<HomeServiceView>>(
    patient.patientId ? `/home-services?patientId=${patient.patientId}&limit=50` : null,
  );
  return (
    <Frame
      title={t('fdResident.titles.homeServices')}
      back={fdPath('', patient.chosen)}
      testId="fd-home-services"
      patient={patient}
    >
      <div className="patient-page__actions">
        <Button
          block
          color="primary"
          size="large"
          onClick={() => navigate(fdPath('home-services/catalogue', patient.chosen))}
          data-testid="fd-hs-new"
        >
          <AddOutline aria-hidden /> {t('fdResident.homeServices.request')}
        </Button>
      </div>
      <section className="fd-hs-list" aria-label={t('fdResident.homeServices.listLabel')}>
        {!data ? (
          <Waiting error={error} />
        ) : data.items.length === 0 ? (
          <ErrorBlock className="patient-empty" status="empty" title={t('fdResident.homeServices.none')} />
        ) : (
          data.items.map((s) => (
            <button
              key={s.id}
              type="button"
              className="booking-card fd-hs"
              onClick={() => navigate(fdPath(`home-services/${s.id}`, patient.chosen))}
              data-testid="fd-hs"
              data-status={s.status}
            >
              <span className="fd-hs__head">
                <strong>{s.item.name}</strong>
                <StatusTag status={s.status} />
              </span>
              <span className="fd-muted">{formatWindow(s.window.start, s.window.end, i18n.language)}</span>
              <span className="fd-hs__foot">
                <span className="fd-muted">{s.institutionName}</span>
                <span className="booking-fee">{formatYuan(s.feeFen)}</span>
                <RightOutline aria-hidden />
              </span>
            </button>
          ))
        )}
      </section>
    </Frame>
  );
}

/** 服务项目: grouped by category, each with its fees. */
export function CataloguePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const patient = useFdPatient();
  const [category, setCategory] = useState<Category>('visit');
  const [query, setQuery] = useState('');
  const { data, error } = useApiData<HomeServiceItemList>(itemsPath(patient.patientId));
  const words = query.trim();
  const items = (data?.items ?? []).filter(
    (i) => i.category === category && (!words || i.name.includes(words) || i.description.includes(words)),
  );
  return (
    <Frame
      title={t('fdResident.titles.catalogue')}
      back={fdPath('home-services', patient.chosen)}
      testId="fd-hs-catalogue"
      patient={patient}
    >
      <section className="booking-card" aria-label={t('fdResident.homeServices.categoryLabel')}>
        <Selector
          columns={3}
          value={[category]}
          onChange={(v) => v[0] && setCategory(v[0])}
          options={CATEGORIES.map((c) => ({ value: c, label: t(`fdResident.homeServices.category.${c}`) }))}
          data-testid="fd-hs-category"
        />
        <p className="fd-muted fd-hint">{t(`fdResident.homeServices.categoryHint.${category}`)}</p>
      </section>
      <Card id="hs-items" title={t(`fdResident.homeServices.category.${category}`)}>
        {category === 'nursing' && (
          <div className="fd-search">
            <label className="fd-label" htmlFor="fd-hs-search">
              {t('fdResident.homeServices.search')}
            </label>
            <input
              id="fd-hs-search"
              type="search"
              className="fd-native-input"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder={t('fdResident.homeServices.searchPlaceholder')}
              data-testid="fd-hs-search"
            />
          </div>
        )}
        {!data ? (
          <Waiting error={error} />
        ) : items.length === 0 ? (
          <p className="fd-muted">{t('fdResident.homeServices.noItems')}</p>
        ) : (
          <ul className="fd-list">
            {items.map((item) => (
              <li key={item.code}>
                <button
                  type="button"
                  className="fd-row-button fd-item"
                  onClick={() => navigate(fdPath('home-services/new', patient.chosen, { item: item.code }))}
                  data-testid="fd-hs-item"
                  data-code={item.code}
                >
                  <span className="fd-row-button__main">
                    <strong>{item.name}</strong>
                    {item.description && <span className="fd-muted">{item.description}</span>}
                    <span className="fd-muted">
                      {t('fdResident.homeServices.feeParts', {
                        item: formatYuan(item.itemFeeFen),
                        visit: formatYuan(item.visitFeeFen),
                      })}
                    </span>
                  </span>
                  <span className="booking-fee fd-item__fee">
                    {formatYuan(item.itemFeeFen + item.visitFeeFen)}
                  </span>
                  <RightOutline aria-hidden />
                </button>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </Frame>
  );
}

/** 预约上门: the item chosen, a day and window, the address, a note; then pay. */
export function HomeServiceFormPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const patient = useFdPatient();
  const [params] = useSearchParams();
  const code = params.get('item') ?? '';
  const catalogue = useApiData<HomeServiceItemList>(itemsPath(patient.patientId));
  const item = catalogue.data?.items.find((i) => i.code === code);
  const addresses = useApiData<AddressList>('/addresses');
  const today = shanghaiDate();
  const days = useMemo(() => Array.from({ length: DAYS_AHEAD }, (_, i) => addDays(today, i + 1)), [today]);
  const [day, setDay] = useState(days[0]!);
  const [window, setWindow] = useState(0);
  const [address, setAddress] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [checked, setChecked] = useState<string | null>(null);

  // The default address fills the field once (it can be changed).
  const saved = addresses.data?.items;
  useEffect(() => {
    const first = saved?.find((a) => a.isDefault) ?? saved?.[0];
    if (first) setAddress((current) => current || `${first.subdistrictName}${first.detail}`);
  }, [saved]);

  async function submit() {
    if (!item || !patient.patientId) return;
    if (address.trim().length < 5) {
      setChecked(t('fdResident.homeServices.addressShort'));
      return;
    }
    setChecked(null);
    setBusy(true);
    setFailure(undefined);
    const [start, end] = SERVICE_WINDOWS[window]!;
    try {
      const created = await post<HomeServiceView>('/home-services', {
        patientId: patient.patientId,
        itemCode: item.code,
        window: {
          start: shanghaiInstant(day, start).toISOString(),
          end: shanghaiInstant(day, end).toISOString(),
        },
        address: address.trim(),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      const detail = fdPath(`home-services/${created.id}`, patient.chosen);
      if (created.orderId && created.status === 'pending_payment') {
        await goToCashier(created.orderId, () => navigate(detail, { replace: true }));
      } else {
        navigate(detail, { replace: true });
      }
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Frame
      title={t('fdResident.titles.requestHomeService')}
      back={fdPath('home-services/catalogue', patient.chosen)}
      testId="fd-hs-form"
      patient={patient}
    >
      {!item ? (
        catalogue.data ? (
          <ErrorBlock
            className="patient-empty"
            status="empty"
            title={t('fdResident.homeServices.itemMissing')}
          />
        ) : (
          <Waiting error={catalogue.error} />
        )
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
          noValidate
        >
          <Card id="hs-chosen" title={t('fdResident.homeServices.item')}>
            <p className="fd-text">
              <strong data-testid="fd-hs-item-name">{item.name}</strong>
            </p>
            <dl className="fd-facts fd-facts--compact">
              <div>
                <dt>{t('fdResident.homeServices.itemFee')}</dt>
                <dd>{formatYuan(item.itemFeeFen)}</dd>
              </div>
              <div>
                <dt>{t('fdResident.homeServices.visitFee')}</dt>
                <dd>{formatYuan(item.visitFeeFen)}</dd>
              </div>
              <div>
                <dt>{t('fdResident.homeServices.total')}</dt>
                <dd className="booking-fee" data-testid="fd-hs-total">
                  {formatYuan(item.itemFeeFen + item.visitFeeFen)}
                </dd>
              </div>
            </dl>
          </Card>
          <Card id="hs-when" title={t('fdResident.homeServices.when')}>
            <label className="fd-label" htmlFor="fd-hs-day">
              {t('fdResident.homeServices.day')}
            </label>
            <select
              id="fd-hs-day"
              className="fd-native-input"
              value={day}
              onChange={(e) => setDay(e.target.value)}
              data-testid="fd-hs-day"
            >
              {days.map((d) => (
                <option key={d} value={d}>
                  {formatDay(d, i18n.language)}
                </option>
              ))}
            </select>
            <fieldset className="fd-fieldset">
              <legend className="fd-label">{t('fdResident.homeServices.window')}</legend>
              <Selector
                columns={2}
                value={[window]}
                onChange={(v) => v[0] !== undefined && setWindow(v[0])}
                options={SERVICE_WINDOWS.map(([s, e], i) => ({ value: i, label: `${s}–${e}` }))}
                data-testid="fd-hs-window"
              />
            </fieldset>
          </Card>
          <Card id="hs-where" title={t('fdResident.homeServices.where')}>
            <label className="fd-label" htmlFor="fd-hs-address">
              {t('fdResident.homeServices.address')}
            </label>
            <TextArea
              id="fd-hs-address"
              className="fd-textarea"
              value={address}
              onChange={setAddress}
              maxLength={200}
              rows={2}
              placeholder={t('fdResident.homeServices.addressPlaceholder')}
              data-testid="fd-hs-address"
            />
            {saved && saved.length > 1 && (
              <div className="fd-tags">
                {saved.map((a) => (
                  <button
                    key={a.id}
                    type="button"
                    className="fd-chip"
                    onClick={() => setAddress(`${a.subdistrictName}${a.detail}`)}
                  >
                    {a.subdistrictName}
                    {a.detail}
                  </button>
                ))}
              </div>
            )}
            <label className="fd-label" htmlFor="fd-hs-note">
              {t('fdResident.homeServices.note')}
            </label>
            <TextArea
              id="fd-hs-note"
              className="fd-textarea"
              value={note}
              onChange={setNote}
              maxLength={500}
              rows={3}
              placeholder={t('fdResident.homeServices.notePlaceholder')}
              data-testid="fd-hs-note"
            />
          </Card>
          <div className="patient-page__actions">
            {checked && (
              <p className="fd-field-error" role="alert">
                {checked}
              </p>
            )}
            <ProblemNote error={failure} testId="fd-hs-problem" />
            <Button
              block
              type="submit"
              color="primary"
              size="large"
              loading={busy}
              data-testid="fd-hs-submit"
            >
              {t('fdResident.homeServices.submit', {
                amount: formatYuan(item.itemFeeFen + item.visitFeeFen),
              })}
            </Button>
            <p className="patient-page__footnote">{t('fdResident.homeServices.payNote')}</p>
          </div>
        </form>
      )}
    </Frame>
  );
}
