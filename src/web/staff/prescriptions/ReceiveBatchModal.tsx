import { App, Form, Input, InputNumber, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReceiveBatchBody } from '../../../shared/prescriptions.js';
import { post } from '../../api.js';
import { errorText } from '../../errors.js';
import { shanghaiDate } from '../../format.js';
import { DrugSelect } from './DrugSelect.js';
import { yuanToFen } from './stock.js';

interface Values {
  drugId: string;
  batchNo: string;
  /** YYYY-MM-DD, from the browser's own date input. */
  expiresOn: string;
  quantity: number;
  priceYuan?: number;
}

/** 批次入库: a batch of a drug with its expiry and quantity; a drug new to the pharmacy needs its price. */
export function ReceiveBatchModal({
  pharmacyId,
  open,
  onClose,
  onReceived,
}: {
  pharmacyId: string;
  open: boolean;
  onClose(): void;
  onReceived(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const today = shanghaiDate();

  async function submit() {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const body: ReceiveBatchBody = {
      drugId: values.drugId,
      batchNo: values.batchNo.trim(),
      expiresOn: values.expiresOn,
      quantity: values.quantity,
      ...(values.priceYuan ? { priceFen: yuanToFen(values.priceYuan) } : {}),
    };
    setBusy(true);
    try {
      await post(`/pharmacies/${pharmacyId}/stock/batches`, body);
      message.success(t('rxStaff.stock.received'));
      form.resetFields();
      onReceived();
    } catch (failure) {
      message.error(errorText(failure, t));
    } finally {
      setBusy(false);
    }
  }

  const required = (field: string) => [{ required: true, message: t('rxStaff.editor.required', { field }) }];
  return (
    <Modal
      open={open}
      title={t('rxStaff.stock.receiveTitle')}
      okText={t('rxStaff.stock.receive')}
      okButtonProps={{ loading: busy }}
      cancelText={t('common.cancel')}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" data-testid="receive-batch-form">
        <Form.Item
          name="drugId"
          label={t('rxStaff.stock.receiveDrug')}
          rules={required(t('rxStaff.stock.receiveDrug'))}
        >
          <DrugSelect />
        </Form.Item>
        <Form.Item
          name="batchNo"
          label={t('rxStaff.stock.receiveBatchNo')}
          rules={[...required(t('rxStaff.stock.receiveBatchNo')), { max: 40 }]}
        >
          <Input maxLength={40} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="expiresOn"
          label={t('rxStaff.stock.receiveExpiresOn')}
          rules={[
            ...required(t('rxStaff.stock.receiveExpiresOn')),
            {
              validator: (_, value?: string) =>
                !value || (/^\d{4}-\d{2}-\d{2}$/.test(value) && value > today)
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('rxStaff.stock.expiryInPast'))),
            },
          ]}
        >
          <Input type="date" min={today} />
        </Form.Item>
        <Form.Item
          name="quantity"
          label={t('rxStaff.stock.receiveQuantity')}
          rules={required(t('rxStaff.stock.receiveQuantity'))}
        >
          <InputNumber min={1} max={100000} precision={0} className="full-width" />
        </Form.Item>
        <Form.Item
          name="priceYuan"
          label={t('rxStaff.stock.receivePrice')}
          extra={t('rxStaff.stock.receivePriceHint')}
        >
          <InputNumber min={0.01} max={10000} precision={2} step={0.5} className="full-width" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
