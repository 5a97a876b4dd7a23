import { Button, Form, Selector, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { InsuranceMe, WalletLinkBody } from '../../../shared/insurance.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { IdentityFields } from '../IdentityFields.js';
import { Loadable } from '../Loadable.js';
import { PageHeader } from '../PageHeader.js';
import { accountHolders } from './insurance.js';
import './insurance.css';

interface FormValues {
  payer: string[];
  name: string;
  idNumber: string;
}

/**
 * 申请家庭共济 (/patient/insurance/wallet/new): an employee (oneself or a family member one acts for) offers
 * their personal account to a family member named by name and ID number; the family member confirms.
 */
export function WalletLinkFormPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const insurance = useApiData<InsuranceMe>('/insurance/me');
  const [form] = Form.useForm<FormValues>();
  const [pending, setPending] = useState(false);
  const payers = insurance.data ? accountHolders(insurance.data.persons) : undefined;

  async function submit(values: FormValues) {
    setPending(true);
    try {
      const body: WalletLinkBody = {
        ...(values.payer[0] ? { payerPatientId: values.payer[0] } : {}),
        beneficiaryName: values.name.trim(),
        beneficiaryIdNumber: values.idNumber.trim().toUpperCase(),
      };
      await post('/insurance/wallet-links', body);
      Toast.show({ icon: 'success', content: t('insurancePatient.wallet.requested') });
      navigate('/patient/insurance', { replace: true });
    } catch (failure) {
      Toast.show({ content: errorText(failure, t), duration: 3000 });
      setPending(false);
    }
  }

  return (
    <div className="patient-page" data-testid="wallet-form">
      <PageHeader title={t('insurancePatient.titles.walletNew')} back="/patient/insurance" />
      <p className="patient-page__intro">{t('insurancePatient.walletForm.intro')}</p>
      <Loadable items={payers} error={insurance.error} empty={t('insurancePatient.wallet.needEmployee')}>
        {(holders) => (
          <Form
            form={form}
            className="patient-form"
            mode="card"
            initialValues={{ payer: [holders[0]?.patientId ?? ''] }}
            onFinish={submit}
            footer={
              <Button
                block
                type="submit"
                color="primary"
                size="large"
                loading={pending}
                data-testid="wallet-submit"
              >
                {t('insurancePatient.walletForm.submit')}
              </Button>
            }
          >
            <Form.Item
              name="payer"
              label={t('insurancePatient.walletForm.payer')}
              rules={[{ required: true, type: 'array', min: 1 }]}
            >
              <Selector
                columns={2}
                data-testid="wallet-payer"
                options={holders.map((p) => ({ value: p.patientId, label: p.name }))}
              />
            </Form.Item>
            <IdentityFields testIdPrefix="wallet" />
          </Form>
        )}
      </Loadable>
    </div>
  );
}
