import { Alert, App, Col, Form, Input, InputNumber, Modal, Row, Select, Statistic, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PACKAGE_GROUPS, type PackageView } from '../../../../shared/family-doctor.js';
import { post, put } from '../../../api.js';
import { errorText } from '../../../errors.js';
import { formatYuan } from '../../../format.js';
import {
  ICD10_PREFIX,
  NEW_PACKAGE,
  normaliseCondition,
  type PackageFormValues,
  packageBody,
  packageFormValues,
  servicesFromText,
  totalFen,
} from './forms.js';

/** An institution prices its own packages; the basic package is the district's (FD-2). */
const GROUPS = PACKAGE_GROUPS.filter((g) => g !== 'basic');
const SHARES = ['insuranceYuan', 'publicHealthYuan', 'residentYuan'] as const;
const SHARE_LABEL = {
  insuranceYuan: 'insurance',
  publicHealthYuan: 'publicHealth',
  residentYuan: 'resident',
} as const;

/**
 * 新建 / 编辑服务包: code, name, group, description, services (one a line), the FD-3 split typed in yuan with
 * its total, and who may choose it (ages, sex, ICD-10 prefixes). Sent as PackageBody in fen.
 */
export function PackageFormModal({
  open,
  pkg,
  onClose,
  onDone,
}: {
  open: boolean;
  /** The package edited; undefined: a new one. */
  pkg: PackageView | undefined;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PackageFormValues>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const insuranceYuan = Form.useWatch('insuranceYuan', form);
  const publicHealthYuan = Form.useWatch('publicHealthYuan', form);
  const residentYuan = Form.useWatch('residentYuan', form);
  const total = totalFen({ insuranceYuan, publicHealthYuan, residentYuan });

  useEffect(() => {
    if (!open) return;
    setFailure(undefined);
    form.resetFields();
    form.setFieldsValue(pkg ? packageFormValues(pkg) : NEW_PACKAGE);
  }, [open, pkg, form]);

  async function submit() {
    let values: PackageFormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const body = packageBody(values);
      if (pkg) await put(`/family-doctor/packages/${pkg.id}`, body);
      else await post('/family-doctor/packages', body);
      message.success(
        t(pkg ? 'fdAdmin.packages.form.saved' : 'fdAdmin.packages.form.created', { name: body.name }),
      );
      onDone();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const required = { required: true, message: t('fdAdmin.common.required') };

  return (
    <Modal
      open={open}
      width={820}
      title={
        pkg
          ? t('fdAdmin.packages.form.editTitle', { name: pkg.name })
          : t('fdAdmin.packages.form.createTitle')
      }
      okText={t('fdAdmin.common.save')}
      okButtonProps={{ loading: busy, 'data-testid': 'fd-package-submit' }}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<PackageFormValues> form={form} name="fd-package" layout="vertical" preserve={false}>
        <Row gutter={16}>
          <Col xs={24} sm={8}>
            <Form.Item
              name="code"
              label={t('fdAdmin.packages.form.code')}
              tooltip={t('fdAdmin.packages.form.codeHint')}
              normalize={(v: string) => v?.toUpperCase()}
              rules={[
                required,
                { pattern: /^[A-Z0-9_-]{2,30}$/, message: t('fdAdmin.packages.form.codeInvalid') },
              ]}
            >
              <Input maxLength={30} data-testid="fd-package-code" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={10}>
            <Form.Item
              name="name"
              label={t('fdAdmin.packages.form.name')}
              rules={[
                required,
                { min: 2, max: 40, whitespace: true, message: t('fdAdmin.packages.form.nameInvalid') },
              ]}
            >
              <Input maxLength={40} data-testid="fd-package-name" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={6}>
            <Form.Item name="group" label={t('fdAdmin.packages.form.group')} rules={[required]}>
              <Select
                options={GROUPS.map((g) => ({ value: g, label: t(`fdAdmin.group.${g}`) }))}
                data-testid="fd-package-group"
              />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="description"
              label={t('fdAdmin.packages.form.description')}
              rules={[
                required,
                {
                  min: 2,
                  max: 1000,
                  whitespace: true,
                  message: t('fdAdmin.packages.form.descriptionInvalid'),
                },
              ]}
            >
              <Input.TextArea
                maxLength={1000}
                autoSize={{ minRows: 2, maxRows: 4 }}
                data-testid="fd-package-description"
              />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="servicesText"
              label={t('fdAdmin.packages.form.services')}
              required
              rules={[
                {
                  validator: async (_, text?: string) => {
                    const services = servicesFromText(text);
                    if (services.length < 1 || services.length > 30 || services.some((s) => s.length > 80))
                      throw new Error(t('fdAdmin.packages.form.servicesInvalid'));
                  },
                },
              ]}
            >
              <Input.TextArea
                autoSize={{ minRows: 3, maxRows: 8 }}
                placeholder={t('fdAdmin.packages.form.servicesPlaceholder')}
                data-testid="fd-package-services"
              />
            </Form.Item>
          </Col>
        </Row>

        <Typography.Title level={3} className="fda-form-title">
          {t('fdAdmin.packages.form.price')}
        </Typography.Title>
        <Alert className="rec-page-alert" type="info" showIcon title={t('fdAdmin.packages.form.fd3')} />
        <Row gutter={16} align="bottom">
          {SHARES.map((name) => (
            <Col xs={24} sm={6} key={name}>
              <Form.Item name={name} label={t(`fdAdmin.packages.${SHARE_LABEL[name]}`)} rules={[required]}>
                <InputNumber<number>
                  min={0}
                  max={100_000}
                  precision={2}
                  step={1}
                  suffix={t('fdAdmin.common.yuan')}
                  className="fda-number"
                  data-testid={`fd-package-${name}`}
                />
              </Form.Item>
            </Col>
          ))}
          <Col xs={24} sm={6}>
            <div className="fda-total" aria-live="polite" data-testid="fd-package-total">
              <Statistic title={t('fdAdmin.packages.form.total')} value={formatYuan(total)} />
            </div>
          </Col>
        </Row>

        <Typography.Title level={3} className="fda-form-title">
          {t('fdAdmin.packages.form.eligibility')}
        </Typography.Title>
        <Row gutter={16}>
          <Col xs={12} sm={6}>
            <Form.Item name="minAge" label={t('fdAdmin.packages.form.minAge')}>
              <InputNumber<number>
                min={0}
                max={150}
                precision={0}
                className="fda-number"
                data-testid="fd-package-minAge"
              />
            </Form.Item>
          </Col>
          <Col xs={12} sm={6}>
            <Form.Item
              name="maxAge"
              label={t('fdAdmin.packages.form.maxAge')}
              dependencies={['minAge']}
              rules={[
                {
                  validator: async (_, max?: number | null) => {
                    const min = form.getFieldValue('minAge');
                    if (typeof min === 'number' && typeof max === 'number' && min > max)
                      throw new Error(t('fdAdmin.packages.form.ageInvalid'));
                  },
                },
              ]}
            >
              <InputNumber<number>
                min={0}
                max={150}
                precision={0}
                className="fda-number"
                data-testid="fd-package-maxAge"
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="sex" label={t('fdAdmin.packages.form.sex')}>
              <Select
                options={(['any', 'male', 'female'] as const).map((s) => ({
                  value: s,
                  label: t(`fdAdmin.sex.${s}`),
                }))}
                data-testid="fd-package-sex"
              />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="conditions"
              label={t('fdAdmin.packages.form.conditions')}
              extra={t('fdAdmin.packages.form.conditionsHint')}
              normalize={(codes: string[] | undefined) => codes?.map(normaliseCondition)}
              rules={[
                {
                  validator: async (_, codes?: string[]) => {
                    if ((codes ?? []).some((c) => c.length > 10 || !ICD10_PREFIX.test(c)))
                      throw new Error(t('fdAdmin.packages.form.conditionInvalid'));
                  },
                },
              ]}
            >
              <Select
                mode="tags"
                open={false}
                tokenSeparators={[',', '，', ' ', '、']}
                suffixIcon={null}
                data-testid="fd-package-conditions"
              />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {failure !== undefined && (
        <Alert className="fda-failure" type="error" showIcon title={errorText(failure, t)} />
      )}
    </Modal>
  );
}
