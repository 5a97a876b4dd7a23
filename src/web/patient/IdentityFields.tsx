import { Form, Input } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { isValidIdNumber } from '../idcard.js';

/** Name and resident ID fields, checked by GB 11643 (ID-2) before the server checks them again. */
export function IdentityFields({ testIdPrefix }: { testIdPrefix: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item
        name="name"
        label={t('patient.realName.name')}
        rules={[{ required: true, whitespace: true, message: t('patient.realName.nameRequired') }]}
      >
        <Input
          placeholder={t('patient.realName.namePlaceholder')}
          clearable
          data-testid={`${testIdPrefix}-name`}
        />
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
          data-testid={`${testIdPrefix}-id`}
        />
      </Form.Item>
    </>
  );
}
