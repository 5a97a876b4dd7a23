import { Button, Checkbox, Form, Input, Picker, type PickerRef, TextArea, Toast } from 'antd-mobile';
import { type RefObject, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { Address, AddressBody } from '../../../shared/prescriptions.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { currentLanguage } from '../../i18n/index.js';
import { PHONE_PATTERN } from '../../validation.js';
import { PageHeader } from '../PageHeader.js';
import { safeReturn, withAddress } from './addressPaths.js';
import type { SubdistrictList } from './types.js';
import './prescriptions.css';

interface FormValues {
  recipient: string;
  phone: string;
  subdistrict: string[];
  detail: string;
  isDefault: boolean;
}

/** 新增收货地址: recipient, phone, 街道 (from the region's list) and the rest; back where it came from. */
export function AddressFormPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const back = safeReturn(params.get('return'), '/patient/addresses');
  const [form] = Form.useForm<FormValues>();
  const [pending, setPending] = useState(false);
  const { data: subdistricts } = useApiData<SubdistrictList>('/subdistricts');
  const en = currentLanguage() === 'en-US';
  const columns = [
    (subdistricts?.items ?? []).map((s) => ({ value: s.code, label: en ? s.nameEn : s.name })),
  ];

  async function submit(values: FormValues) {
    setPending(true);
    try {
      const body: AddressBody = {
        recipient: values.recipient.trim(),
        phone: values.phone.trim(),
        subdistrict: values.subdistrict[0] ?? '',
        detail: values.detail.trim(),
        isDefault: values.isDefault,
      };
      const created = await post<Address>('/addresses', body);
      Toast.show({ icon: 'success', content: t('rxPatient.address.saved') });
      navigate(withAddress(back, created.id), { replace: true });
    } catch (error) {
      Toast.show({ content: errorText(error, t), duration: 3000 });
      setPending(false);
    }
  }

  return (
    <div className="patient-page" data-testid="address-form">
      <PageHeader title={t('rxPatient.titles.newAddress')} back={back} />
      <Form
        form={form}
        className="patient-form rx-form"
        mode="card"
        layout="vertical"
        initialValues={{ isDefault: false }}
        onFinish={submit}
        footer={
          <Button
            block
            type="submit"
            color="primary"
            size="large"
            loading={pending}
            data-testid="address-submit"
          >
            {t('rxPatient.address.save')}
          </Button>
        }
      >
        <Form.Item
          name="recipient"
          label={t('rxPatient.address.recipient')}
          rules={[{ required: true, whitespace: true, message: t('rxPatient.address.recipientRequired') }]}
        >
          <Input
            placeholder={t('rxPatient.address.recipientPlaceholder')}
            maxLength={40}
            clearable
            data-testid="address-recipient"
          />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('rxPatient.address.phone')}
          rules={[
            { required: true, message: t('rxPatient.address.phoneRequired') },
            { pattern: PHONE_PATTERN, message: t('rxPatient.address.phoneInvalid') },
          ]}
        >
          <Input
            placeholder={t('rxPatient.address.phonePlaceholder')}
            inputMode="numeric"
            maxLength={11}
            clearable
            data-testid="address-phone"
          />
        </Form.Item>
        <Form.Item
          name="subdistrict"
          label={t('rxPatient.address.subdistrict')}
          trigger="onConfirm"
          onClick={(_, picker: RefObject<PickerRef>) => picker.current?.open()}
          rules={[{ required: true, message: t('rxPatient.address.subdistrictRequired') }]}
          arrowIcon
        >
          <Picker columns={columns} confirmText={t('common.confirm')} cancelText={t('common.cancel')}>
            {(items) => (
              <button
                type="button"
                className={`rx-picker-value ${items[0] ? '' : 'placeholder'}`}
                aria-label={`${t('rxPatient.address.subdistrict')} ${items[0]?.label ?? t('rxPatient.address.subdistrictPlaceholder')}`}
                data-testid="address-subdistrict"
              >
                {items[0]?.label ?? t('rxPatient.address.subdistrictPlaceholder')}
              </button>
            )}
          </Picker>
        </Form.Item>
        <Form.Item
          name="detail"
          label={t('rxPatient.address.detail')}
          rules={[
            { required: true, whitespace: true, message: t('rxPatient.address.detailRequired') },
            { min: 2, message: t('rxPatient.address.detailRequired') },
          ]}
        >
          <TextArea
            placeholder={t('rxPatient.address.detailPlaceholder')}
            maxLength={200}
            autoSize={{ minRows: 2, maxRows: 4 }}
            data-testid="address-detail"
          />
        </Form.Item>
        <Form.Item name="isDefault" valuePropName="checked">
          <Checkbox data-testid="address-default">{t('rxPatient.address.isDefault')}</Checkbox>
        </Form.Item>
      </Form>
    </div>
  );
}
