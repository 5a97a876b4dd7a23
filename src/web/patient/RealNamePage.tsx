import { Button, Form, Input, List, Result, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../api.js';
import { useAuth, useMe } from '../auth.js';
import { errorText } from '../errors.js';
import { isValidIdNumber } from '../idcard.js';
import type { Me } from '../types.js';
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
            <Form.Item
              name="name"
              label={t('patient.realName.name')}
              rules={[{ required: true, whitespace: true, message: t('patient.realName.nameRequired') }]}
            >
              <Input placeholder={t('patient.realName.namePlaceholder')} clearable data-testid="rn-name" />
            </Form.Item>
            <Form.Item
              name="idNumber"
              label={t('patient.realName.idNumber')}
              rules={[
                { required: true, message: t('patient.realName.idRequired') },
                {
                  validator: async (_, value?: string) => {
                    if (value && !isValidIdNumber(value)) throw new Error(t('patient.realName.idInvalid'));
                  },
                },
              ]}
            >
              <Input
                placeholder={t('patient.realName.idPlaceholder')}
                maxLength={18}
                clearable
                data-testid="rn-id"
              />
            </Form.Item>
          </Form>
        </>
      )}
    </div>
  );
}
