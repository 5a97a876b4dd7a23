import { Alert, App, Col, Form, Input, InputNumber, Modal, Row, Select, Switch } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INSTITUTION_LEVELS, type PolicyVersion, SCHEMES } from '../../../shared/insurance.js';
import { post } from '../../api.js';
import { errorText } from '../../errors.js';
import { addDays, shanghaiDate } from '../../format.js';
import { DaySelect } from '../supervision/DaySelect.js';
import { baseVersion, formFromRules, type PolicyFormValues, policyBody } from './policyForm.js';

/** How far ahead a new version's effective day can be chosen (from tomorrow: no backdating). */
const DAYS_AHEAD = 366;

type MoneyField =
  | 'deductibleYuan'
  | 'annualCapYuan'
  | 'serviceFeeBasisYuan'
  | 'familyDoctorReferralBonusYuan'
  | 'contractedElderlyCommunityCutYuan';
type PercentField = 'reimbursementPercent' | 'categoryBFirstSelfPayPercent';

/** The contract's bounds, in the units typed (PolicyRules: fen and basis points). */
const MONEY_MAX: Record<MoneyField, number> = {
  deductibleYuan: 100_000,
  annualCapYuan: 10_000_000,
  serviceFeeBasisYuan: 10_000,
  familyDoctorReferralBonusYuan: 1_000,
  contractedElderlyCommunityCutYuan: 1_000,
};

const LABELS = {
  deductibleYuan: 'deductible',
  annualCapYuan: 'annualCap',
  serviceFeeBasisYuan: 'serviceFeeBasis',
  familyDoctorReferralBonusYuan: 'familyDoctorReferralBonus',
  contractedElderlyCommunityCutYuan: 'contractedElderlyCommunityCut',
  reimbursementPercent: 'reimbursement',
  categoryBFirstSelfPayPercent: 'categoryB',
} as const;

/**
 * 发布新版本: a new policy version for a scheme and level, prefilled from the one in force. Money is typed in
 * yuan and sent in fen; ratios are typed in % and sent in basis points (policyForm.ts).
 */
export function PolicyFormModal({
  open,
  versions,
  onClose,
  onDone,
}: {
  open: boolean;
  versions: readonly PolicyVersion[];
  onClose(): void;
  onDone(created: PolicyVersion | undefined): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PolicyFormValues>();
  const scheme = Form.useWatch('scheme', form);
  const level = Form.useWatch('institutionLevel', form);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const tomorrow = addDays(shanghaiDate(), 1);

  // Choosing a scheme and level prefills the rules in force for them.
  useEffect(() => {
    if (!open || !scheme || !level) return;
    const base = baseVersion(versions, scheme, level);
    if (base) form.setFieldsValue(formFromRules(base.rules));
  }, [open, scheme, level, versions, form]);

  async function submit() {
    let values: PolicyFormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const created = await post<PolicyVersion | undefined>('/insurance/policies', policyBody(values));
      message.success(
        t('insuranceStaff.policy.form.published', {
          scheme: t(`insuranceStaff.scheme.${values.scheme}`),
          level: t(`insuranceStaff.level.${values.institutionLevel}`),
          version: created?.version ?? '',
        }),
      );
      onDone(created);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const money = (name: MoneyField) => (
    <Form.Item
      name={name}
      label={t(`insuranceStaff.policy.${LABELS[name]}`)}
      tooltip={t(`insuranceStaff.policy.hints.${LABELS[name]}`)}
      rules={[{ required: true, message: t('insuranceStaff.policy.form.required') }]}
    >
      <InputNumber<number>
        min={0}
        max={MONEY_MAX[name]}
        precision={2}
        step={1}
        suffix={t('insuranceStaff.common.yuan')}
        className="ins-number"
        data-testid={`policy-${name}`}
      />
    </Form.Item>
  );

  const percent = (name: PercentField) => (
    <Form.Item
      name={name}
      label={t(`insuranceStaff.policy.${LABELS[name]}`)}
      tooltip={t(`insuranceStaff.policy.hints.${LABELS[name]}`)}
      rules={[{ required: true, message: t('insuranceStaff.policy.form.required') }]}
    >
      <InputNumber<number>
        min={0}
        max={100}
        precision={2}
        step={1}
        suffix="%"
        className="ins-number"
        data-testid={`policy-${name}`}
      />
    </Form.Item>
  );

  return (
    <Modal
      open={open}
      width={760}
      title={t('insuranceStaff.policy.form.title')}
      okText={t('insuranceStaff.policy.form.submit')}
      okButtonProps={{ loading: busy, 'data-testid': 'policy-submit' }}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert
        className="rec-page-alert"
        type="info"
        showIcon
        title={t('insuranceStaff.policy.form.prefilled')}
      />
      <Form<PolicyFormValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          scheme: 'employee',
          institutionLevel: 'tertiary',
          effectiveFrom: tomorrow,
          accountPaysSelfPay: true,
        }}
      >
        <Row gutter={16}>
          <Col xs={24} sm={8}>
            <Form.Item name="scheme" label={t('insuranceStaff.policy.scheme')} rules={[{ required: true }]}>
              <Select
                options={SCHEMES.map((value) => ({ value, label: t(`insuranceStaff.scheme.${value}`) }))}
                data-testid="policy-scheme"
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item
              name="institutionLevel"
              label={t('insuranceStaff.policy.level')}
              rules={[{ required: true }]}
            >
              <Select
                options={INSTITUTION_LEVELS.map((value) => ({
                  value,
                  label: t(`insuranceStaff.level.${value}`),
                }))}
                data-testid="policy-level"
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item
              name="effectiveFrom"
              label={t('insuranceStaff.policy.form.effectiveFrom')}
              rules={[{ required: true, message: t('insuranceStaff.policy.form.required') }]}
            >
              <DaySelect from={tomorrow} days={DAYS_AHEAD} data-testid="policy-effective-from" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            {money('deductibleYuan')}
          </Col>
          <Col xs={24} sm={8}>
            {percent('reimbursementPercent')}
          </Col>
          <Col xs={24} sm={8}>
            {money('annualCapYuan')}
          </Col>
          <Col xs={24} sm={8}>
            {percent('categoryBFirstSelfPayPercent')}
          </Col>
          <Col xs={24} sm={8}>
            {money('serviceFeeBasisYuan')}
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item
              name="accountPaysSelfPay"
              label={t('insuranceStaff.policy.accountPaysSelfPay')}
              tooltip={t('insuranceStaff.policy.hints.accountPaysSelfPay')}
              valuePropName="checked"
            >
              <Switch data-testid="policy-accountPaysSelfPay" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            {money('familyDoctorReferralBonusYuan')}
          </Col>
          <Col xs={24} sm={12}>
            {money('contractedElderlyCommunityCutYuan')}
          </Col>
          <Col span={24}>
            <Form.Item name="note" label={t('insuranceStaff.policy.note')}>
              <Input.TextArea
                maxLength={500}
                showCount
                autoSize={{ minRows: 2, maxRows: 4 }}
                placeholder={t('insuranceStaff.policy.form.notePlaceholder')}
                data-testid="policy-note"
              />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {failure !== undefined && <Alert type="error" showIcon title={errorText(failure, t)} />}
    </Modal>
  );
}
