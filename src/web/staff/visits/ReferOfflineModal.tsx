import { App, Form, Input, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department, Institution } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import type { VisitView } from '../../../shared/visits.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { visitErrorText } from './visitApi.js';

interface ReferForm {
  reason: string;
  institutionId?: string;
  departmentId?: string;
  note?: string;
}

/** Institutions a patient can be sent to see a doctor (not pharmacies or diagnostic centres). */
const CARE_TYPES = ['hospital', 'community_centre', 'community_station'];

/**
 * 转线下 (VISIT-3): the doctor ends the online visit with a reason and a recommended institution and
 * department; the patient is refunded and can book the recommendation in one tap.
 */
export function ReferOfflineModal({
  visit,
  open,
  onClose,
  onReferred,
}: {
  visit: VisitView;
  open: boolean;
  onClose(): void;
  onReferred(visit: VisitView): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ReferForm>();
  const [saving, setSaving] = useState(false);
  const institutionId = Form.useWatch('institutionId', form);
  const institutions = useApiData<Page<Institution>>(open ? '/institutions?status=active&limit=100' : null);
  const departments = useApiData<Page<Department>>(
    open && institutionId ? `/departments?institutionId=${institutionId}&limit=100` : null,
  );

  async function submit(values: ReferForm) {
    setSaving(true);
    try {
      const referred = await post<VisitView>(`/visits/${visit.id}/refer-offline`, {
        reason: values.reason.trim(),
        recommendation: {
          institutionId: values.institutionId,
          departmentId: values.departmentId,
          note: values.note?.trim() || undefined,
        },
      });
      message.success(t('workstation.refer.done'));
      form.resetFields();
      onReferred(referred);
    } catch (failure) {
      message.error(visitErrorText(failure, t));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={open}
      title={t('workstation.refer.title')}
      okText={t('workstation.refer.submit')}
      okButtonProps={{ danger: true, loading: saving, 'data-testid': 'refer-submit' }}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      width={560}
    >
      <Typography.Paragraph type="secondary">{t('workstation.refer.intro')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        preserve={false}
        initialValues={{ institutionId: visit.institutionId, departmentId: visit.departmentId }}
      >
        <Form.Item
          name="reason"
          label={t('workstation.refer.reason')}
          rules={[{ required: true, whitespace: true, message: t('workstation.refer.reasonRequired') }]}
        >
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 5 }}
            maxLength={500}
            placeholder={t('workstation.refer.reasonPlaceholder')}
            data-testid="refer-reason"
          />
        </Form.Item>
        <Form.Item name="institutionId" label={t('workstation.refer.institution')}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={institutions.data === undefined}
            options={institutions.data?.items
              .filter((i) => CARE_TYPES.includes(i.type))
              .map((i) => ({ value: i.id, label: i.name }))}
            onChange={() => form.setFieldsValue({ departmentId: undefined })}
            data-testid="refer-institution"
          />
        </Form.Item>
        <Form.Item name="departmentId" label={t('workstation.refer.department')}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            allowClear
            placeholder={t('workstation.refer.departmentPlaceholder')}
            loading={institutionId !== undefined && departments.data === undefined}
            options={departments.data?.items.map((d) => ({ value: d.id, label: d.name }))}
            data-testid="refer-department"
          />
        </Form.Item>
        <Form.Item name="note" label={t('workstation.refer.note')}>
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 4 }}
            maxLength={500}
            placeholder={t('workstation.refer.notePlaceholder')}
            data-testid="refer-note"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
