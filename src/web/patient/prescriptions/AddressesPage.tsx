import { Button, List } from 'antd-mobile';
import { AddOutline } from 'antd-mobile-icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useApiData } from '../../components/useApiData.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { AddressBlock, DeleteAddressButton } from './addresses.js';
import type { AddressList } from './types.js';
import './prescriptions.css';

/** 收货地址: the patient's delivery addresses, added and deleted here or while choosing a pharmacy. */
export function AddressesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data, error, reload } = useApiData<AddressList>('/addresses');

  return (
    <div className="patient-page" data-testid="addresses-page">
      <PageHeader title={t('rxPatient.titles.addresses')} back="/patient/mine" />
      <Loadable items={data?.items} error={error} empty={t('rxPatient.address.empty')}>
        {(items) => (
          <List className="patient-list" mode="card">
            {items.map((address) => (
              <List.Item
                key={address.id}
                extra={<DeleteAddressButton address={address} onDeleted={reload} />}
              >
                <AddressBlock address={address} />
              </List.Item>
            ))}
          </List>
        )}
      </Loadable>
      <div className="patient-page__actions">
        <Button
          block
          color="primary"
          size="large"
          onClick={() => navigate('/patient/addresses/new?return=/patient/addresses')}
          data-testid="address-add"
        >
          <AddOutline /> {t('rxPatient.address.add')}
        </Button>
      </div>
    </div>
  );
}
