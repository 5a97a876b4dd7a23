import { Button, Form, Input, Picker, type PickerRef, Toast } from 'antd-mobile';
import { type RefObject, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { type Dependent, RELATIONSHIPS, type Relationship } from '../../shared/identity.js';
import { post } from '../api.js';
import { errorText } from '../errors.js';
import { ADULT_AGE, ageOn, checkIdNumber } from '../idcard.js';
import { PHONE_PATTERN } from '../validation.js';
import type { DependentsLocationState } from './DependentsPage.js';
import { IdentityFields } from './IdentityFields.js';
import { PageHeader } from './PageHeader.js';

interface FormValues {
  name: string;
  idNumber: string;
  relationship: Relationship[];
  phone?: string;
}

/** Adult by the birth date in the ID, today in Asia/Shanghai; null while the ID is not complete. */
function isAdultId(idNumber: string | undefined): boolean | null {
  const check = idNumber ? checkIdNumber(idNumber, new Date()) : null;
  return check?.ok ? ageOn(check.birthDate, new Date()) >= ADULT_AGE : null;
}

export function DependentFormPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<FormValues>();
  const idNumber = Form.useWatch('idNumber', form);
  const adult = isAdultId(idNumber);
  const [pending, setPending] = useState(false);

  const relationshipColumns = [
    RELATIONSHIPS.map((value) => ({ value, label: t(`patient.relationship.${value}`) })),
  ];

  async function submit(values: FormValues) {
    setPending(true);
    try {
      const phone = values.phone?.trim();
      const created = await post<Dependent>('/me/dependents', {
        name: values.name.trim(),
        idNumber: values.idNumber.trim().toUpperCase(),
        relationship: values.relationship[0],
        ...(phone ? { phone } : {}),
      });
      const pendingConfirmation = created.status === 'pending_confirmation';
      Toast.show({
        icon: 'success',
        content: pendingConfirmation
          ? t('patient.dependentForm.createdPending')
          : t('patient.dependentForm.created'),
      });
      const state: DependentsLocationState = created.devCode
        ? { devCodes: { [created.id]: created.devCode } }
        : {};
      navigate('/patient/dependents', { replace: true, state });
    } catch (error) {
      Toast.show({ content: errorText(error, t), duration: 3000 });
      setPending(false);
    }
  }

  return (
    <div className="patient-page" data-testid="dependent-form">
      <PageHeader title={t('patient.dependentForm.title')} back="/patient/dependents" />
      <Form
        form={form}
        className="patient-form"
        mode="card"
        onFinish={submit}
        footer={
          <Button
            block
            type="submit"
            color="primary"
            size="large"
            loading={pending}
            data-testid="dependent-submit"
          >
            {t('common.submit')}
          </Button>
        }
      >
        <IdentityFields testIdPrefix="dep" />
        <Form.Item
          name="relationship"
          label={t('patient.dependentForm.relationship')}
          trigger="onConfirm"
          onClick={(_, picker: RefObject<PickerRef>) => picker.current?.open()}
          rules={[{ required: true, message: t('patient.dependentForm.relationshipRequired') }]}
          arrowIcon
        >
          <Picker
            columns={relationshipColumns}
            confirmText={t('common.confirm')}
            cancelText={t('common.cancel')}
          >
            {(items) => (
              <span data-testid="dep-relationship" className={items[0] ? '' : 'placeholder'}>
                {items[0]?.label ?? t('patient.dependentForm.relationshipPlaceholder')}
              </span>
            )}
          </Picker>
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('patient.dependentForm.phone')}
          required={adult === true}
          description={
            adult === null
              ? undefined
              : adult
                ? t('patient.dependentForm.adultHint')
                : t('patient.dependentForm.minorHint')
          }
          dependencies={['idNumber']}
          rules={[
            {
              validator: async (_, value?: string) => {
                const phone = value?.trim();
                if (!phone) {
                  if (isAdultId(form.getFieldValue('idNumber'))) {
                    throw new Error(t('patient.dependentForm.phoneRequiredAdult'));
                  }
                  return;
                }
                if (!PHONE_PATTERN.test(phone)) throw new Error(t('login.phoneInvalid'));
              },
            },
          ]}
        >
          <Input
            placeholder={t('patient.dependentForm.phonePlaceholder')}
            inputMode="numeric"
            maxLength={11}
            clearable
            data-testid="dep-phone"
          />
        </Form.Item>
      </Form>
    </div>
  );
}
