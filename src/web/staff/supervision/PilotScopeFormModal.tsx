import { App, Col, Form, Modal, Row, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department, Institution } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import type { PilotScopeView } from '../../../shared/visits.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { shanghaiDate } from '../../format.js';
import { required } from '../scheduling/fields.js';
import { DaySelect } from './DaySelect.js';

interface Values {
  institutionId: string;
  specialty: string;
  startsOn: string;
  endsOn: string;
}

/** A pilot is planned up to a year ahead; it may run for up to two years from its start. */
const PLAN_DAYS = 366;

/**
 * 新增试点范围: an institution (with an internet hospital) from the directory, one of its departments'
 * specialties, and the pilot dates.
 */
export function PilotScopeFormModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose(): void;
  onCreated(scope: PilotScopeView): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const institutionId = Form.useWatch('institutionId', form);
  const startsOn = Form.useWatch('startsOn', form);
  const today = shanghaiDate();
  const institutions = useApiData<Page<Institution>>(open ? '/institutions?limit=100' : null);
  const departments = useApiData<Page<Department>>(
    institutionId ? `/departments?institutionId=${institutionId}&limit=100` : null,
  );
  const specialties = [
    ...new Map(
      (institutionId ? (departments.data?.items ?? []) : [])
        .filter((d) => d.institutionId === institutionId)
        .map((d) => [d.specialty, `${d.specialty}（${d.name}）`] as const),
    ),
  ];

  async function submit(values: Values) {
    setBusy(true);
    try {
      const created = await post<PilotScopeView>('/pilot-scopes', values);
      message.success(t('supervision.pilot.created'));
      form.resetFields();
      onCreated(created);
    } catch (failure) {
      message.error(errorText(failure, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title={t('supervision.pilot.createTitle')}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      width={560}
    >
      <Form form={form} name="pilot-scope" layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item
          name="institutionId"
          label={t('supervision.pilot.institution')}
          rules={[required(t('supervision.pilot.chooseInstitution'))]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('supervision.pilot.chooseInstitution')}
            loading={institutions.data === undefined}
            onChange={() => form.setFieldValue('specialty', undefined)}
            options={institutions.data?.items
              .filter((i) => i.internetHospital !== null && i.status === 'active')
              .map((i) => ({ value: i.id, label: `${i.name}（${i.code}）` }))}
          />
        </Form.Item>
        <Form.Item
          name="specialty"
          label={t('supervision.pilot.specialty')}
          rules={[required(t('supervision.pilot.chooseSpecialty'))]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            disabled={!institutionId}
            loading={institutionId !== undefined && departments.data === undefined}
            placeholder={
              institutionId
                ? t('supervision.pilot.chooseSpecialty')
                : t('supervision.pilot.chooseInstitutionFirst')
            }
            options={specialties.map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="startsOn"
              label={t('supervision.pilot.startsOn')}
              rules={[required(t('supervision.pilot.dateRequired'))]}
            >
              <DaySelect from={today} days={PLAN_DAYS} placeholder={t('supervision.pilot.chooseDate')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="endsOn"
              label={t('supervision.pilot.endsOn')}
              dependencies={['startsOn']}
              rules={[
                required(t('supervision.pilot.dateRequired')),
                ({ getFieldValue }) => ({
                  validator(_, end: string | undefined) {
                    const start: string | undefined = getFieldValue('startsOn');
                    return !end || !start || end >= start
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('supervision.pilot.endAfterStart')));
                  },
                }),
              ]}
            >
              <DaySelect
                from={startsOn ?? today}
                days={PLAN_DAYS * 2}
                placeholder={t('supervision.pilot.chooseDate')}
              />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
