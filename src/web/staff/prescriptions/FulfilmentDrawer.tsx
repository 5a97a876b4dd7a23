import { RedoOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Drawer, Space, Spin, Table, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FulfilmentView, VerifyResult } from '../../../shared/prescriptions.js';
import { post } from '../../api.js';
import { useApiData } from '../../components/useApiData.js';
import { errorText } from '../../errors.js';
import { formatDateTime, formatYuan } from '../../format.js';
import { CancelFulfilmentModal } from './CancelFulfilmentModal.js';
import { DispenseForm } from './DispenseForm.js';
import { courierLabel, deliveryStatusLabel } from './labels.js';
import { PdfButton } from './PrescriptionSheet.js';
import { FulfilmentStatusTag, MethodTag } from './tags.js';
import { VerifyBlock } from './VerifyBlock.js';

function FulfilmentDetail({ id, onChanged }: { id: string; onChanged(): void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const fulfilment = useApiData<FulfilmentView>(`/fulfilments/${id}`);
  const f = fulfilment.data;
  const verify = useApiData<VerifyResult>(f ? `/prescriptions/${f.prescriptionId}/verify` : null);
  const [cancelling, setCancelling] = useState(false);
  const [reshipping, setReshipping] = useState(false);

  function changed() {
    fulfilment.reload();
    onChanged();
  }

  async function reship() {
    setReshipping(true);
    try {
      await post(`/fulfilments/${id}/reship`);
      message.success(t('rxStaff.circulation.reshipped'));
      changed();
    } catch (failure) {
      message.error(errorText(failure, t));
    } finally {
      setReshipping(false);
    }
  }

  if (fulfilment.error) return <Alert type="error" title={errorText(fulfilment.error, t)} />;
  if (!f) return <Spin className="staff-page__spin" />;
  const names = new Map(f.items.map((i) => [i.drugId, i.genericName]));
  const lang = i18n.language;

  return (
    <div className="rx-fulfilment" data-testid="fulfilment-detail">
      <Descriptions
        size="small"
        bordered
        column={2}
        items={[
          {
            key: 'status',
            label: t('rxStaff.circulation.status'),
            children: <FulfilmentStatusTag status={f.status} />,
          },
          {
            key: 'method',
            label: t('rxStaff.circulation.method'),
            children: <MethodTag method={f.method} />,
          },
          { key: 'patient', label: t('rxStaff.circulation.patient'), children: f.patientName },
          {
            key: 'created',
            label: t('rxStaff.circulation.createdAt'),
            children: formatDateTime(f.createdAt, lang),
          },
          { key: 'drugFee', label: t('rxStaff.circulation.drugFee'), children: formatYuan(f.drugFen) },
          {
            key: 'deliveryFee',
            label: t('rxStaff.circulation.deliveryFee'),
            children: formatYuan(f.deliveryFeeFen),
          },
          ...(f.address
            ? [
                {
                  key: 'address',
                  label: t('rxStaff.circulation.address'),
                  span: 2,
                  children: `${f.address.recipient} ${f.address.phoneMasked} · ${f.address.subdistrict} ${f.address.detail}`,
                },
              ]
            : []),
        ]}
      />

      <Typography.Title level={5} className="rx-review__heading">
        {t('rxStaff.circulation.verify')}
      </Typography.Title>
      <VerifyBlock result={verify.data} error={verify.error} onRetry={verify.reload} />
      <div className="rx-panel__pdf">
        <PdfButton prescriptionId={f.prescriptionId} />
      </div>

      {f.status === 'paid' ? (
        <DispenseForm fulfilment={f} verified={verify.data?.valid === true} onDone={changed} />
      ) : (
        <>
          <Typography.Title level={5} className="rx-review__heading">
            {t('rxStaff.circulation.items')}
          </Typography.Title>
          <Table
            size="small"
            rowKey="drugId"
            pagination={false}
            dataSource={f.items}
            columns={[
              { title: t('rxStaff.circulation.items'), dataIndex: 'genericName' },
              { title: t('rxStaff.circulation.spec'), dataIndex: 'spec' },
              {
                title: t('rxStaff.circulation.quantity'),
                key: 'quantity',
                render: (_, i) => `${i.quantity} ${i.packageUnit}`,
              },
              {
                title: t('rxStaff.circulation.unitPrice'),
                key: 'price',
                align: 'right',
                render: (_, i) => formatYuan(i.unitPriceFen),
              },
            ]}
          />
        </>
      )}

      {f.status === 'returned' && (
        <Alert
          type="warning"
          showIcon
          className="rx-review__heading"
          title={t('rxStaff.circulation.returnedHint')}
        />
      )}
      {(f.status === 'returned' || f.status === 'paid') && (
        <Space className="rx-fulfilment__actions">
          {f.status === 'returned' && (
            <Button
              type="primary"
              icon={<RedoOutlined aria-hidden />}
              loading={reshipping}
              onClick={reship}
              data-testid="fulfilment-reship"
            >
              {t('rxStaff.circulation.reship')}
            </Button>
          )}
          <Button
            danger
            icon={<StopOutlined aria-hidden />}
            onClick={() => setCancelling(true)}
            data-testid="fulfilment-cancel"
          >
            {t('rxStaff.circulation.cancel')}
          </Button>
        </Space>
      )}

      {f.boxes.length > 0 && (
        <>
          <Typography.Title level={5} className="rx-review__heading">
            {t('rxStaff.circulation.boxes')}
          </Typography.Title>
          <Table
            size="small"
            rowKey="traceCode"
            pagination={false}
            dataSource={f.boxes}
            data-testid="dispensed-boxes"
            columns={[
              {
                title: t('rxStaff.circulation.items'),
                key: 'drug',
                render: (_, b) => names.get(b.drugId) ?? b.drugId,
              },
              { title: t('rxStaff.circulation.batch'), dataIndex: 'batchNo' },
              {
                title: t('rxStaff.circulation.traceCode'),
                key: 'code',
                render: (_, b) => <span className="rx-mono">{b.traceCode}</span>,
              },
            ]}
          />
        </>
      )}

      {f.delivery && (
        <Descriptions
          size="small"
          column={3}
          className="rx-review__heading"
          title={t('rxStaff.circulation.delivery')}
          items={[
            {
              key: 'courier',
              label: t('rxStaff.circulation.courier'),
              children: courierLabel(t, f.delivery.courier),
            },
            {
              key: 'waybill',
              label: t('rxStaff.circulation.waybill'),
              children: f.delivery.waybillNo ?? '—',
            },
            {
              key: 'status',
              label: t('rxStaff.circulation.deliveryStatus'),
              children: deliveryStatusLabel(t, f.delivery.status),
            },
          ]}
        />
      )}

      {f.timeline.length > 0 && (
        <>
          <Typography.Title level={5} className="rx-review__heading">
            {t('rxStaff.circulation.timeline')}
          </Typography.Title>
          <Timeline
            items={f.timeline.map((entry, i) => ({
              key: `${entry.at}-${i}`,
              content: (
                <span>
                  <span className="visit-muted">{formatDateTime(entry.at, lang)}</span>{' '}
                  {lang === 'en-US' ? entry.textEn : entry.text}
                </span>
              ),
            }))}
          />
        </>
      )}
      <CancelFulfilmentModal
        id={f.id}
        open={cancelling}
        onClose={() => setCancelling(false)}
        onDone={() => {
          setCancelling(false);
          changed();
        }}
      />
    </div>
  );
}

/** One fulfilment at the pharmacy: verify, dispense (pick-up or delivery), or handle a returned parcel. */
export function FulfilmentDrawer({
  id,
  title,
  onClose,
  onChanged,
}: {
  id: string | undefined;
  title: string;
  onClose(): void;
  onChanged(): void;
}) {
  return (
    <Drawer open={id !== undefined} size={760} title={title} onClose={onClose} destroyOnHidden>
      {id && <FulfilmentDetail key={id} id={id} onChanged={onChanged} />}
    </Drawer>
  );
}
