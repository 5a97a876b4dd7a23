import { Tag } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { PharmacyOffer, PrescriptionItemView } from '../../../shared/prescriptions.js';
import { formatYuan } from '../../format.js';
import { distanceParts, type Method, offerBlock, offerTotal } from './pharmacies.js';
import { unitText } from './rx.js';

export function Distance({ metres }: { metres: number | null }) {
  const { t } = useTranslation();
  if (metres === null) return null;
  const { unit, value } = distanceParts(metres);
  return (
    <span className="rx-offer__distance" data-testid="offer-distance">
      {t(`rxPatient.distance.${unit}`, { value })}
    </span>
  );
}

const BLOCK_TEXT = {
  out_of_stock: 'rxPatient.choose.outOfStock',
  no_delivery: 'rxPatient.choose.noDelivery',
  no_pickup: 'rxPatient.choose.noPickup',
} as const;

/**
 * One pharmacy that may fill the prescription (RX-13): type, distance, each drug's price and stock, the
 * total. A pharmacy missing an item (or not offering the method) is greyed and cannot be chosen.
 */
export function OfferCard({
  offer,
  method,
  items,
  selected,
  onSelect,
}: {
  offer: PharmacyOffer;
  method: Method;
  items: PrescriptionItemView[];
  selected: boolean;
  onSelect(): void;
}) {
  const { t } = useTranslation();
  const block = offerBlock(offer, method);
  const total = offerTotal(offer, method);
  const state = block
    ? t(BLOCK_TEXT[block])
    : selected
      ? t('rxPatient.choose.selected')
      : t('rxPatient.choose.available');
  const kind = offer.type === 'hospital' ? 'hospital' : 'pharmacy';

  return (
    <label
      className={`rx-offer${selected ? ' rx-offer--selected' : ''}${block ? ' rx-offer--blocked' : ''}`}
      data-testid="pharmacy-offer"
      data-pharmacy-id={offer.pharmacyId}
      data-available={block === null}
    >
      <input
        type="radio"
        name="rx-pharmacy"
        className="rx-radio"
        checked={selected}
        disabled={block !== null}
        onChange={onSelect}
        aria-label={t('rxPatient.choose.pharmacyLabel', { name: offer.name, state })}
      />
      <span className="rx-offer__head">
        <span className="rx-offer__name">{offer.name}</span>
        <Tag color={kind === 'hospital' ? 'primary' : 'success'} fill="outline" className="rx-tag">
          {t(`rxPatient.choose.type.${kind}`)}
        </Tag>
        {block && (
          <Tag
            color={block === 'out_of_stock' ? 'danger' : 'default'}
            className="rx-tag"
            data-testid="offer-block"
          >
            {t(BLOCK_TEXT[block])}
          </Tag>
        )}
        <Distance metres={offer.distanceM} />
      </span>
      <span className="rx-offer__line">{offer.address}</span>
      {offer.openingHours && (
        <span className="rx-offer__line">
          {t('rxPatient.choose.openingHours', { hours: offer.openingHours })}
        </span>
      )}
      <span className="rx-offer__items">
        {items.map((item) => {
          const line = offer.items.find((i) => i.drugId === item.drugId);
          const inStock = line?.inStock ?? false;
          return (
            <span
              key={item.line}
              className={`rx-offer__item${inStock ? '' : ' rx-offer__item--missing'}`}
              data-testid="offer-item"
              data-in-stock={inStock}
            >
              <span className="rx-offer__drug">
                {item.genericName}{' '}
                {t('rxPatient.quantity', {
                  quantity: item.quantity,
                  unit: unitText(item.packageUnit, t),
                })}
              </span>
              <span className="rx-offer__price">
                {inStock && typeof line?.priceFen === 'number'
                  ? formatYuan(line.priceFen * line.quantity)
                  : t('rxPatient.choose.outOfStock')}
              </span>
            </span>
          );
        })}
      </span>
      {total !== null && block !== 'out_of_stock' && (
        <span className="rx-offer__total">
          {method === 'delivery' ? (
            <span>
              {t('rxPatient.choose.drugFee')} {formatYuan(offer.drugFen ?? 0)}
              {' · '}
              {t('rxPatient.choose.deliveryFee')} {formatYuan(offer.deliveryFeeFen)}
            </span>
          ) : (
            <span />
          )}
          <strong data-testid="offer-total">
            {t('rxPatient.choose.total')} {formatYuan(total)}
          </strong>
        </span>
      )}
    </label>
  );
}
