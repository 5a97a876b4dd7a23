import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BookingPolicy } from '../../../shared/scheduling.js';
import { put } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import type { Messages } from '../../i18n/zh-CN.js';
import { required, TimeSelect } from './fields.js';
import './scheduling.css';

type NumberField = Exclude<keyof BookingPolicy, 'releaseTime'> &
  keyof Messages['booking']['policy']['fields'];

/** The number fields by section, each with its bounds (the API's own). */
const SECTIONS: {
  key: keyof Messages['booking']['policy']['sections'];
  fields: [NumberField, number, number][];
}[] = [
  {
    key: 'release',
    fields: [
      ['releaseDaysAhead', 0, 90],
      ['reservedReleaseHours', 0, 168],
    ],
  },
  {
    key: 'quotas',
    fields: [
      ['referralPercent', 0, 100],
      ['partnerPercent', 0, 100],
    ],
  },
  {
    key: 'booking',
    fields: [
      ['holdMinutes', 1, 120],
      ['cancelCutoffMinutes', 0, 2880],
      ['maxActiveBookings', 1, 50],
    ],
  },
  {
    key: 'noShow',
    fields: [
      ['noShowLimit', 1, 20],
      ['noShowWindowDays', 1, 730],
      ['suspensionDays', 0, 730],
    ],
  },
];

/** 放号规则: when tokens are released, what is reserved for referrals, and the booking rules. */
export function BookingPolicyPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<BookingPolicy>();
  const { data, error, setData } = useApiData<BookingPolicy>('/booking-policy');
  const [busy, setBusy] = useState(false);

  async function save(values: BookingPolicy) {
    setBusy(true);
    try {
      const saved = await put<BookingPolicy>('/booking-policy', values);
      setData(saved);
      message.success(t('booking.policy.saved'));
    } catch (failure) {
      message.error(errorText(failure, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="staff-page" data-testid="policy-page">
      <Card variant="borderless" title={t('staff.cards.bookingPolicy.title')}>
        <Typography.Paragraph type="secondary">{t('booking.policy.intro')}</Typography.Paragraph>
        {error !== undefined && <Alert type="error" showIcon title={errorText(error, t)} />}
        {data === undefined && error === undefined ? (
          <Spin className="staff-page__spin" />
        ) : (
          <Form<BookingPolicy>
            form={form}
            name="policy"
            layout="vertical"
            initialValues={data}
            onFinish={save}
            className="policy-form"
          >
            {SECTIONS.map((section) => (
              <section key={section.key} className="policy-section">
                <Typography.Title level={5}>{t(`booking.policy.sections.${section.key}`)}</Typography.Title>
                <Row gutter={24}>
                  {section.key === 'release' && (
                    <Col xs={24} md={8}>
                      <Form.Item
                        name="releaseTime"
                        label={t('booking.policy.releaseTime')}
                        extra={t('booking.policy.releaseTimeHint')}
                        rules={[required(t('booking.staff.timeRequired'))]}
                      >
                        <TimeSelect />
                      </Form.Item>
                    </Col>
                  )}
                  {section.fields.map(([name, min, max]) => (
                    <Col key={name} xs={24} md={8}>
                      <Form.Item
                        name={name}
                        label={t(`booking.policy.fields.${name}.label`)}
                        extra={t(`booking.policy.fields.${name}.hint`)}
                        rules={[required(t('booking.policy.required'))]}
                      >
                        <InputNumber min={min} max={max} precision={0} className="full-width" />
                      </Form.Item>
                    </Col>
                  ))}
                </Row>
              </section>
            ))}
            <Button type="primary" htmlType="submit" loading={busy} data-testid="policy-save">
              {t('booking.policy.save')}
            </Button>
          </Form>
        )}
      </Card>
    </div>
  );
}
