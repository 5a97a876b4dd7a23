import { Button, Dialog, Tag, Toast } from 'antd-mobile';
import { DeleteOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import type { Address } from '../../../shared/prescriptions.js';
import { del } from '../../api.js';
import { errorText } from '../../errors.js';

export function addressLine(address: Address): string {
  return `${address.subdistrictName} ${address.detail}`;
}

/** An address as a block: who, their (masked) phone, where. */
export function AddressBlock({ address }: { address: Address }) {
  const { t } = useTranslation();
  return (
    <div className="rx-address" data-testid="address" data-id={address.id}>
      <div className="rx-address__who">
        <span className="rx-address__name">{address.recipient}</span>
        <span className="rx-address__phone">{address.phoneMasked}</span>
        {address.isDefault && (
          <Tag color="primary" fill="outline">
            {t('rxPatient.address.default')}
          </Tag>
        )}
      </div>
      <div className="rx-address__line">{addressLine(address)}</div>
    </div>
  );
}

/** Deletes an address after asking; `onDeleted` refreshes the list. */
export function DeleteAddressButton({ address, onDeleted }: { address: Address; onDeleted(): void }) {
  const { t } = useTranslation();
  async function remove() {
    const ok = await Dialog.confirm({
      content: t('rxPatient.address.deleteConfirm'),
      confirmText: t('rxPatient.address.delete'),
      cancelText: t('common.cancel'),
    });
    if (!ok) return;
    try {
      await del(`/addresses/${address.id}`);
      Toast.show({ icon: 'success', content: t('rxPatient.address.deleted') });
      onDeleted();
    } catch (error) {
      Toast.show({ content: errorText(error, t) });
    }
  }
  return (
    <Button
      size="small"
      fill="none"
      color="danger"
      className="rx-address__delete"
      onClick={(event) => {
        event.stopPropagation();
        void remove();
      }}
      aria-label={t('rxPatient.address.deleteLabel', { address: addressLine(address) })}
      data-testid="address-delete"
    >
      <DeleteOutline /> {t('rxPatient.address.delete')}
    </Button>
  );
}
