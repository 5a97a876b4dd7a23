import { Button, ErrorBlock, Popup, Selector, SpinLoading, Toast } from 'antd-mobile';
import { AddOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { FulfilmentBody, FulfilmentCreated, PrescriptionView } from '../../../shared/prescriptions.js';
import { ApiError, post } from '../../api.js';
import { newIdempotencyKey } from '../../booking.js';
import { useApiData } from '../../components/useApiData.js';
import { useNow } from '../../components/useNow.js';
import { errorText } from '../../errors.js';
import { formatYuan } from '../../format.js';
import { goToCashier } from '../booking/payment.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { AddressBlock, addressLine, DeleteAddressButton } from './addresses.js';
import { OfferCard } from './OfferCard.js';
import { type Method, offerBlock, offerTotal, sortOffers } from './pharmacies.js';
import { canChoosePharmacy } from './rx.js';
import type { AddressList, PharmacyOffers } from './types.js';
import './prescriptions.css';

/** The delivery address: the one chosen, a popup to choose or delete another, or a way to add one. */
function AddressSection({
  addresses,
  selectedId,
  onSelect,
  onChanged,
  addPath,
}: {
  addresses: AddressList['items'];
  selectedId: string | undefined;
  onSelect(id: string): void;
  onChanged(): void;
  addPath: string;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const selected = addresses.find((a) => a.id === selectedId);

  return (
    <section className="booking-card" data-testid="rx-address-section">
      <h2 className="booking-card__title">{t('rxPatient.choose.address')}</h2>
      {selected ? (
        <div className="rx-address-row">
          <AddressBlock address={selected} />
          <Button size="small" shape="rounded" onClick={() => setOpen(true)} data-testid="address-change">
            {t('rxPatient.choose.changeAddress')}
          </Button>
        </div>
      ) : (
        <>
          <p className="rx-muted">{t('rxPatient.choose.noAddress')}</p>
          <Button
            block
            color="primary"
            fill="outline"
            size="large"
            onClick={() => navigate(addPath)}
            data-testid="address-add"
          >
            <AddOutline /> {t('rxPatient.choose.addAddress')}
          </Button>
        </>
      )}
      <Popup
        visible={open}
        onMaskClick={() => setOpen(false)}
        onClose={() => setOpen(false)}
        bodyClassName="rx-popup"
        showCloseButton
      >
        <h2 className="rx-popup__title">{t('rxPatient.address.select')}</h2>
        <div role="radiogroup" aria-label={t('rxPatient.address.select')} className="rx-popup__list">
          {addresses.map((address) => (
            <div key={address.id} className="rx-address-option">
              <label
                className={`rx-address-option__pick${address.id === selectedId ? ' rx-address-option__pick--on' : ''}`}
                data-testid="address-option"
              >
                <input
                  type="radio"
                  name="rx-address"
                  className="rx-radio"
                  checked={address.id === selectedId}
                  onChange={() => onSelect(address.id)}
                  onClick={() => setOpen(false)}
                  aria-label={addressLine(address)}
                />
                <AddressBlock address={address} />
              </label>
              <DeleteAddressButton address={address} onDeleted={onChanged} />
            </div>
          ))}
        </div>
        <div className="patient-page__actions">
          <Button
            block
            color="primary"
            size="large"
            onClick={() => navigate(addPath)}
            data-testid="address-new"
          >
            <AddOutline /> {t('rxPatient.address.add')}
          </Button>
        </div>
      </Popup>
    </section>
  );
}

/**
 * 选择药店 (RX-13): pick-up or delivery, the delivery address, then any pharmacy that has every item; the
 * choice reserves the stock and opens an order, paid on the gateway's cashier like any other.
 */
export function ChoosePharmacyPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const method: Method = params.get('method') === 'delivery' ? 'delivery' : 'pickup';
  const rx = useApiData<PrescriptionView>(`/prescriptions/${id}`);
  const addresses = useApiData<AddressList>('/addresses');
  const addressItems = addresses.data?.items;
  const address =
    addressItems?.find((a) => a.id === params.get('addressId')) ??
    addressItems?.find((a) => a.isDefault) ??
    addressItems?.[0];
  const addressesSettled = addresses.data !== undefined || addresses.error !== undefined;
  const offers = useApiData<PharmacyOffers>(
    addressesSettled ? `/prescriptions/${id}/pharmacies${address ? `?addressId=${address.id}` : ''}` : null,
  );
  const [chosenId, setChosenId] = useState<string>();
  const [busy, setBusy] = useState(false);
  const now = useNow(true, 60_000);

  const sorted = offers.data ? sortOffers(offers.data.items, method) : undefined;
  const chosen = sorted?.find((o) => o.pharmacyId === chosenId && offerBlock(o, method) === null);
  const total = chosen ? offerTotal(chosen, method) : null;
  const needsAddress = method === 'delivery' && !address;
  const here = `/patient/prescriptions/${id}/pharmacies`;
  const addPath = `/patient/addresses/new?return=${encodeURIComponent(`${here}?method=delivery`)}`;

  function setQuery(next: { method?: Method; addressId?: string }) {
    const query = new URLSearchParams(params);
    if (next.method) query.set('method', next.method);
    if (next.addressId) query.set('addressId', next.addressId);
    setParams(query, { replace: true });
  }

  async function confirm() {
    if (!chosen || needsAddress) return;
    setBusy(true);
    const body: FulfilmentBody = {
      pharmacyId: chosen.pharmacyId,
      method,
      ...(method === 'delivery' && address ? { addressId: address.id } : {}),
    };
    let created: FulfilmentCreated;
    try {
      created = await post<FulfilmentCreated>(`/prescriptions/${id}/fulfilment`, body, {
        'Idempotency-Key': newIdempotencyKey(),
      });
    } catch (error) {
      Toast.show({ content: errorText(error, t), duration: 3000 });
      const code = error instanceof ApiError ? error.code : '';
      // RX_OUT_OF_STOCK: someone took the last boxes meanwhile; show the pharmacies as they are now.
      if (code === 'RX_OUT_OF_STOCK' || code === 'RX_PHARMACY_UNAVAILABLE') {
        setChosenId(undefined);
        offers.reload();
      } else rx.reload();
      setBusy(false);
      return;
    }
    const progress = `/patient/fulfilments/${created.id}`;
    try {
      await goToCashier(created.orderId, () => navigate(progress, { replace: true }));
    } catch (error) {
      // The order stands: its page offers to pay again.
      Toast.show({ content: errorText(error, t), duration: 3000 });
      navigate(progress, { replace: true });
    }
  }

  const back = `/patient/prescriptions/${id}`;
  if (!rx.data) {
    return (
      <div className="patient-page" data-testid="choose-pharmacy-page">
        <PageHeader title={t('rxPatient.titles.choose')} back={back} />
        {rx.error !== undefined ? (
          <ErrorBlock className="patient-empty" status="default" title={t('rxPatient.detail.notFound')} />
        ) : (
          <div className="patient-loading">
            <SpinLoading color="primary" />
          </div>
        )}
      </div>
    );
  }

  if (!canChoosePharmacy(rx.data, now)) {
    const fulfilmentId = rx.data.fulfilmentId;
    return (
      <div className="patient-page" data-testid="choose-pharmacy-page">
        <PageHeader title={t('rxPatient.titles.choose')} back={back} />
        <ErrorBlock className="patient-empty" status="default" title={t('rxPatient.choose.notFillable')} />
        <div className="patient-page__actions">
          <Button
            block
            color="primary"
            size="large"
            onClick={() => navigate(fulfilmentId ? `/patient/fulfilments/${fulfilmentId}` : back)}
          >
            {fulfilmentId ? t('rxPatient.detail.viewFulfilment') : t('rxPatient.fulfilment.prescription')}
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div className="patient-page rx-choose" data-testid="choose-pharmacy-page" data-method={method}>
      <PageHeader title={t('rxPatient.titles.choose')} back={back} />
      <section className="booking-card">
        <h2 className="booking-card__title" id="rx-method-title">
          {t('rxPatient.choose.method')}
        </h2>
        {/* A Selector (listbox of options), not Segmented: rc-segmented nests radio inputs in its listbox,
            which screen readers and axe-core (aria-required-children) refuse. */}
        <Selector
          className="rx-method"
          aria-labelledby="rx-method-title"
          columns={2}
          showCheckMark={false}
          value={[method]}
          onChange={(values) => values[0] && setQuery({ method: values[0] as Method })}
          options={[
            { label: t('rxPatient.choose.pickup'), value: 'pickup' },
            { label: t('rxPatient.choose.delivery'), value: 'delivery' },
          ]}
          data-testid="rx-method"
        />
      </section>

      {method === 'delivery' && addressItems && (
        <AddressSection
          addresses={addressItems}
          selectedId={address?.id}
          onSelect={(addressId) => setQuery({ addressId })}
          onChanged={addresses.reload}
          addPath={addPath}
        />
      )}

      <section className="rx-offers">
        <h2 className="rx-offers__title" id="rx-offers-title">
          {t('rxPatient.choose.pharmacies')}
        </h2>
        {address && <p className="rx-muted rx-offers__hint">{t('rxPatient.choose.distanceHint')}</p>}
        <Loadable items={sorted} error={offers.error} empty={t('rxPatient.choose.none')}>
          {(list) => (
            <div role="radiogroup" aria-labelledby="rx-offers-title" className="rx-offers__list">
              {list.map((offer) => (
                <OfferCard
                  key={offer.pharmacyId}
                  offer={offer}
                  method={method}
                  items={rx.data?.items ?? []}
                  selected={offer.pharmacyId === chosen?.pharmacyId}
                  onSelect={() => setChosenId(offer.pharmacyId)}
                />
              ))}
            </div>
          )}
        </Loadable>
      </section>

      <footer className="rx-confirm-bar">
        <div className="rx-confirm-bar__total" data-testid="rx-total">
          {total !== null ? (
            <>
              {t('rxPatient.choose.total')} <strong>{formatYuan(total)}</strong>
            </>
          ) : (
            <span className="rx-muted">{t('rxPatient.choose.choosePharmacy')}</span>
          )}
        </div>
        <Button
          color="primary"
          size="large"
          className="rx-confirm-bar__button"
          disabled={!chosen || needsAddress}
          loading={busy}
          onClick={confirm}
          data-testid="rx-confirm"
        >
          {t('rxPatient.choose.confirm')}
        </Button>
      </footer>
    </div>
  );
}
