import { Button, Form, List, Result, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../shared/identity.js';
import { post } from '../api.js';
import { useAuth, useMe } from '../auth.js';
import { errorText } from '../errors.js';
import { IdentityFields } from './IdentityFields.js';
import { PageHeader } from './PageHeader.js';

interface RealNameValues {
  name: string;
  idNumber: string;
}

function VerifiedView({ me }: { me: Me }) {
  const { t } = useTranslation();
  return (
    <>
      <Result
        className="patient-result"
        status="success"
        title={t('patient.realName.verifiedTitle')}
        description={t('patient.realName.verifiedDesc')}
      />
      <List className="patient-list" mode="card" data-testid="real-name-result">
        <List.Item extra={me.name}>{t('patient.realName.name')}</List.Item>
        <List.Item extra={me.idNumber}>{t('patient.realName.idNumber')}</List.Item>
        {me.birthDate && <List.Item extra={me.birthDate}>{t('patient.realName.birthDate')}</List.Item>}
        {me.sex && <List.Item extra={t(`patient.sex.${me.sex}`)}>{t('patient.realName.sex')}</List.Item>}
      </List>
    </>
  );
}

export function RealNamePage() {
  const { t } = useTranslation();
  const me = useMe();
  const { setMe } = useAuth();
  const [pending, setPending] = useState(false);

  async function submit(values: RealNameValues) {
    setPending(true);
    try {
      const updated = await post<Me>('/me/real-name', {
        name: values.name.trim(),
        idNumber: values.idNumber.trim().toUpperCase(),
      });
      setMe(updated);
      Toast.show({ icon: 'success', content: t('patient.realName.success') });
    } catch (error) {
      Toast.show({ content: errorText(error, t), duration: 3000 });
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="patient-page" data-testid="real-name-page">
      <PageHeader title={t('patient.realName.title')} back="/patient/mine" />
      {me.realNameVerified ? (
        <VerifiedView me={me} />
      ) : (
        <>
          <p className="patient-page__intro">{t('patient.realName.intro')}</p>
          <Form
            className="patient-form"
            mode="card"
            onFinish={submit}
            footer={
              <Button block type="submit" color="primary" size="large" loading={pending}>
                {t('patient.realName.submit')}
              </Button>
            }
          >
            <IdentityFields testIdPrefix="rn" />
          </Form>
        </>
      )}
    </div>
  );
}
