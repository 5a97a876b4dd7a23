import { Alert, Button, Drawer, Form, Input, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AccountCreate, type InitialPassword, StaffRole } from '../../../shared/administration.js';
import type { Institution, Practitioner } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';

/** Roles whose account belongs to an institution, and those that sign in as a directory practitioner. */
const NEEDS_INSTITUTION = new Set<string>(['doctor', 'nurse', 'pharmacist', 'pharmacy_staff', 'org_admin']);
const NEEDS_PRACTITIONER = new Set<string>(['doctor', 'pharmacist']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Values {
  name: string;
  phone: string;
  role: StaffRole;
  institutionId?: string;
  practitionerId?: string;
}

/**
 * 新建员工账号 (DJ-8, the system administrator): name, phone, one role, and where the role needs them the
 * institution and the directory's practitioner. The server answers with an initial password, shown once.
 */
export function CreateAccountDrawer({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose(): void;
  onCreated(result: InitialPassword): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const role = Form.useWatch('role', form);
  const institutionId = Form.useWatch('institutionId', form);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const institutions = useApiData<Page<Institution>>(open ? '/institutions?limit=100' : null);
  const doctors = useApiData<Page<Practitioner>>(
    open && role === 'doctor' && institutionId ? `/doctors?institutionId=${institutionId}&limit=100` : null,
  );
  const needsInstitution = role !== undefined && NEEDS_INSTITUTION.has(role);
  const needsPractitioner = role !== undefined && NEEDS_PRACTITIONER.has(role);

  async function submit() {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const body: AccountCreate = {
      name: values.name.trim(),
      phone: values.phone.trim(),
      role: values.role,
      ...(needsInstitution && values.institutionId ? { institutionId: values.institutionId } : {}),
      ...(needsPractitioner && values.practitionerId ? { practitionerId: values.practitionerId.trim() } : {}),
    };
    setBusy(true);
    setFailure(undefined);
    try {
      const result = await post<InitialPassword>('/admin/accounts', body);
      form.resetFields();
      onCreated(result);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Drawer
      open={open}
      title={t('administration.create.title')}
      size={480}
      onClose={onClose}
      destroyOnHidden
      footer={
        <Space className="adm-drawer-footer">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={submit} data-testid="account-create-submit">
            {t('administration.create.submit')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('administration.create.intro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark preserve={false}>
        <Form.Item
          name="name"
          label={t('administration.accounts.name')}
          rules={[
            { required: true, whitespace: true, message: t('administration.create.nameRequired') },
            { min: 2, max: 30, message: t('administration.create.nameLength') },
          ]}
        >
          <Input maxLength={30} placeholder={t('administration.create.namePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('administration.accounts.phone')}
          rules={[
            { required: true, message: t('administration.create.phoneRequired') },
            { pattern: /^1[3-9]\d{9}$/, message: t('administration.create.phoneInvalid') },
          ]}
        >
          <Input
            inputMode="numeric"
            maxLength={11}
            placeholder={t('administration.create.phonePlaceholder')}
          />
        </Form.Item>
        <Form.Item
          name="role"
          label={t('administration.create.role')}
          rules={[{ required: true, message: t('administration.create.roleRequired') }]}
        >
          <Select<StaffRole>
            placeholder={t('administration.create.rolePlaceholder')}
            options={StaffRole.enum.map((value) => ({ value, label: t(`roles.${value}`) }))}
            onChange={() => form.setFieldValue('practitionerId', undefined)}
          />
        </Form.Item>
        {needsInstitution && (
          <Form.Item
            name="institutionId"
            label={t('administration.create.institution')}
            rules={[{ required: true, message: t('administration.create.institutionRequired') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={institutions.data === undefined && institutions.error === undefined}
              placeholder={t('administration.create.institutionPlaceholder')}
              options={(institutions.data?.items ?? []).map((i) => ({
                value: i.id,
                label: `${i.name}（${i.code}）`,
              }))}
              onChange={() => form.setFieldValue('practitionerId', undefined)}
            />
          </Form.Item>
        )}
        {needsPractitioner && role === 'doctor' && (
          <Form.Item
            name="practitionerId"
            label={t('administration.create.practitioner')}
            extra={t('administration.create.practitionerHelp')}
            rules={[{ required: true, message: t('administration.create.practitionerRequired') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              disabled={!institutionId}
              placeholder={t('administration.create.practitionerPlaceholder')}
              options={(doctors.data?.items ?? []).map((p) => ({
                value: p.id,
                label: `${p.name} · ${p.department.name} · ${p.professionalTitle}`,
              }))}
            />
          </Form.Item>
        )}
        {needsPractitioner && role === 'pharmacist' && (
          <Form.Item
            name="practitionerId"
            label={t('administration.create.practitionerId')}
            extra={t('administration.create.practitionerIdHelp')}
            rules={[
              { required: true, message: t('administration.create.practitionerRequired') },
              { pattern: UUID, message: t('administration.create.practitionerIdInvalid') },
            ]}
          >
            <Input className="adm-mono" placeholder="xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" />
          </Form.Item>
        )}
      </Form>
      <Alert type="info" showIcon className="adm-alert" title={t('administration.create.passwordNote')} />
      {failure !== undefined && (
        <Alert type="error" showIcon className="adm-alert" title={errorText(failure, t)} />
      )}
    </Drawer>
  );
}
