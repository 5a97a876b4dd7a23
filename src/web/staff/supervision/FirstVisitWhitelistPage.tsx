import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Modal,
  Result,
  Select,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Practitioner } from '../../../shared/directory.js';
import type { Page } from '../../../shared/http.js';
import type { WhitelistEntry } from '../../../shared/visits.js';
import { del, post } from '../../api.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDateTime } from '../../format.js';
import { rowTestId } from '../scheduling/BookingsTable.js';
import { required } from '../scheduling/fields.js';
import { BarCheckTag } from './tags.js';
import './supervision.css';

/**
 * 首诊医生白名单 (PILOT-2): the institution's doctors allowed to take online first visits, each with the bar
 * checked now, condition by condition. The server refuses a doctor who falls short; its reason is shown.
 */
export function FirstVisitWhitelistPage() {
  const { t } = useTranslation();
  const me = useMe();
  if (!me.institutionId) {
    return (
      <div className="staff-page">
        <Card variant="borderless">
          <Result status="warning" title={t('supervision.whitelist.noInstitution')} />
        </Card>
      </div>
    );
  }
  return <Whitelist institutionId={me.institutionId} />;
}

function Whitelist({ institutionId }: { institutionId: string }) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const path = `/institutions/${institutionId}/first-visit-whitelist`;
  const whitelist = useApiData<{ items: WhitelistEntry[] }>(path);
  const [adding, setAdding] = useState(false);

  function remove(entry: WhitelistEntry) {
    modal.confirm({
      title: t('supervision.whitelist.removeTitle', { name: entry.name }),
      content: t('supervision.whitelist.removeDesc'),
      okText: t('supervision.whitelist.removeConfirm'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await del(`${path}/${entry.practitionerId}`);
          message.success(t('supervision.whitelist.removed'));
          whitelist.reload();
        } catch (failure) {
          message.error(errorText(failure, t));
        }
      },
    });
  }

  const columns: TableColumnsType<WhitelistEntry> = [
    {
      title: t('supervision.whitelist.doctor'),
      key: 'doctor',
      width: 220,
      render: (_, e) => (
        <div>
          <span className="whitelist-doctor">
            <Typography.Text strong>{e.name}</Typography.Text>
            <Tag color={e.eligible ? 'success' : 'error'} variant="filled" data-testid="whitelist-eligible">
              {e.eligible ? t('supervision.whitelist.meetsBar') : t('supervision.whitelist.failsBar')}
            </Tag>
          </span>
          <div className="cell-sub">
            {[e.professionalTitle, e.departmentName].filter(Boolean).join(' · ')}
          </div>
        </div>
      ),
    },
    {
      title: t('supervision.whitelist.bar'),
      key: 'bar',
      render: (_, e) => (
        <div className="bar-checks" data-testid="bar-checks">
          {e.bar.map((check) => (
            <BarCheckTag key={check.condition} check={check} />
          ))}
        </div>
      ),
    },
    {
      title: t('supervision.whitelist.addedAt'),
      key: 'addedAt',
      width: 124,
      render: (_, e) => (e.addedAt ? formatDateTime(e.addedAt, i18n.language) : null),
    },
    {
      title: t('supervision.whitelist.actions'),
      key: 'actions',
      width: 72,
      render: (_, e) => (
        <Button type="link" size="small" danger onClick={() => remove(e)} data-testid="whitelist-remove">
          {t('supervision.whitelist.remove')}
        </Button>
      ),
    },
  ];

  return (
    <div className="staff-page" data-testid="whitelist-page">
      <Card
        variant="borderless"
        title={t('staff.cards.firstVisitWhitelist.title')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined aria-hidden />}
            onClick={() => setAdding(true)}
            data-testid="whitelist-add"
          >
            {t('supervision.whitelist.add')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('supervision.whitelist.intro')}</Typography.Paragraph>
        <Table<WhitelistEntry>
          rowKey="practitionerId"
          size="middle"
          pagination={false}
          loading={whitelist.data === undefined && whitelist.error === undefined}
          dataSource={whitelist.data?.items}
          columns={columns}
          onRow={rowTestId('whitelist-row')}
          scroll={{ x: 900 }}
          locale={{
            emptyText: whitelist.error ? errorText(whitelist.error, t) : t('supervision.whitelist.empty'),
          }}
        />
      </Card>
      <AddDoctorModal
        open={adding}
        institutionId={institutionId}
        listed={whitelist.data?.items.map((e) => e.practitionerId) ?? []}
        onClose={() => setAdding(false)}
        onAdded={() => {
          setAdding(false);
          whitelist.reload();
        }}
      />
    </div>
  );
}

/** 添加医生: a doctor of the institution not yet listed; a refusal stays in the dialog with the server's reason. */
function AddDoctorModal({
  open,
  institutionId,
  listed,
  onClose,
  onAdded,
}: {
  open: boolean;
  institutionId: string;
  listed: string[];
  onClose(): void;
  onAdded(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ practitionerId: string }>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const doctors = useApiData<Page<Practitioner>>(
    open ? `/doctors?institutionId=${institutionId}&limit=100` : null,
  );

  async function submit({ practitionerId }: { practitionerId: string }) {
    setBusy(true);
    setRefusal(undefined);
    try {
      await post(`/institutions/${institutionId}/first-visit-whitelist`, { practitionerId });
      const name = doctors.data?.items.find((d) => d.id === practitionerId)?.name ?? '';
      message.success(t('supervision.whitelist.added', { name }));
      form.resetFields();
      onAdded();
    } catch (failure) {
      setRefusal(errorText(failure, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title={t('supervision.whitelist.addTitle')}
      okText={t('supervision.whitelist.add')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={() => {
        setRefusal(undefined);
        onClose();
      }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('supervision.whitelist.addHint')}</Typography.Paragraph>
      <Form form={form} name="whitelist-add" layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item
          name="practitionerId"
          label={t('supervision.whitelist.doctor')}
          rules={[required(t('supervision.whitelist.chooseDoctor'))]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('supervision.whitelist.chooseDoctor')}
            loading={doctors.data === undefined}
            onChange={() => setRefusal(undefined)}
            options={doctors.data?.items
              .filter((d) => !listed.includes(d.id))
              .map((d) => ({
                value: d.id,
                label: `${d.name} · ${d.department.name} · ${d.professionalTitle}`,
              }))}
          />
        </Form.Item>
      </Form>
      {refusal && (
        <Alert
          type="error"
          showIcon
          title={t('supervision.whitelist.refused')}
          description={refusal}
          data-testid="whitelist-refusal"
        />
      )}
    </Modal>
  );
}
