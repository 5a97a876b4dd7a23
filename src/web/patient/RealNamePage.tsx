import { Button, Form, List, Result, Toast } from 'antd-mobile';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import type { Me } from '../../shared/identity.js';
import { post } from '../api.js';
import { useAuth, useMe } from '../auth.js';
import { errorText } from '../errors.js';
import { IdentityFields } from './IdentityFields.js';
import { PageHeader } from './PageHeader.js';

/** Where 实名认证 was opened from: its back arrow and its success return there (a patient page only). */
interface RealNameState {
  from?: string;
}

function returnPath(state: unknown): string | undefined {
  const from = (state as RealNameState | null)?.from;
  // Only a page of this app: never an address someone put into the state.
  return from?.startsWith('/patient/') && !from.startsWith('/patient/real-name') ? from : undefined;
}

/**
 * 去认证 from a page the person means to come back to (the booking confirm page, 就诊人管理): real-name
 * then returns there, with the booking as it was, instead of to 我的.
 */
export function useGoVerify(): () => void {
  const navigate = useNavigate();
  const location = useLocation();
  return useCallback(
    () =>
      navigate('/patient/real-name', {
        state: { from: `${location.pathname}${location.search}` } satisfies RealNameState,
      }),
    [navigate, location.pathname, location.search],
  );
}

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
  const navigate = useNavigate();
  const from = returnPath(useLocation().state);
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
      if (from) navigate(from, { replace: true });
    } catch (error) {
      Toast.show({ content: errorText(error, t), duration: 3000 });
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="patient-page" data-testid="real-name-page">
      <PageHeader title={t('patient.realName.title')} back={from ?? '/patient/mine'} />
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
