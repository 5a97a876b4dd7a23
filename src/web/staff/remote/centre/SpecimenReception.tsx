import {
  ArrowLeftOutlined,
  CarOutlined,
  CloseCircleOutlined,
  ExperimentOutlined,
  InboxOutlined,
  ScanOutlined,
} from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, type InputRef, Modal, Select, Space, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { Static } from 'typebox';
import type { SpecimenEventBody, SpecimenStep, SpecimenView } from '../../../../shared/remote.js';
import { get, post } from '../../../api.js';
import { describeError } from '../../../errors.js';
import { stepLabel } from './parts.js';
import { BARCODE, nextStep, normaliseBarcode, rejectable, stepDone } from './reading.js';
import { SpecimenSummary } from './SpecimenSummary.js';
import './centre.css';

type EventBody = Static<typeof SpecimenEventBody>;
type RejectReason = NonNullable<EventBody['reason']>;
const REASONS: readonly RejectReason[] = [
  'haemolysed',
  'insufficient',
  'clotted',
  'wrong_container',
  'unlabelled',
  'delayed',
];

/** The scanned steps, in the order the chain expects them. */
const ACTIONS = [
  { step: 'picked_up', label: 'remoteCentre.specimen.pickUp', icon: <CarOutlined aria-hidden /> },
  { step: 'received', label: 'remoteCentre.specimen.receive', icon: <InboxOutlined aria-hidden /> },
  { step: 'tested', label: 'remoteCentre.specimen.test', icon: <ExperimentOutlined aria-hidden /> },
] as const;

/**
 * 标本接收 (/clinic/readingQueue/specimens): a keyboard-wedge scanner types the barcode and Enter; the
 * specimen is shown with its chain of custody, and the person scanning records 取件, 签收, 检测 or 拒收 with
 * a reason (the requester is asked to re-draw). The server keeps the order and who may scan which step.
 */
export function SpecimenReception() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const input = useRef<InputRef>(null);
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [specimen, setSpecimen] = useState<SpecimenView>();
  const [problem, setProblem] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const [busy, setBusy] = useState<SpecimenStep>();
  const [rejecting, setRejecting] = useState(false);
  const [rejectForm] = Form.useForm<{ reason?: RejectReason; note?: string }>();

  function refocus() {
    window.setTimeout(() => input.current?.focus({ cursor: 'all' }), 0);
  }

  async function find(raw: string) {
    const barcode = normaliseBarcode(raw);
    setText(barcode);
    setProblem(undefined);
    if (!BARCODE.test(barcode)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    setLoading(true);
    try {
      setSpecimen(await get<SpecimenView>(`/specimens/${encodeURIComponent(barcode)}`));
    } catch (failure) {
      setSpecimen(undefined);
      setProblem(failure);
    } finally {
      setLoading(false);
      refocus();
    }
  }

  async function record(step: EventBody['step'], extra: Omit<EventBody, 'step'> = {}): Promise<boolean> {
    if (!specimen) return false;
    setBusy(step);
    setProblem(undefined);
    try {
      await post(`/specimens/${encodeURIComponent(specimen.barcode)}/events`, {
        step,
        ...extra,
      } satisfies EventBody);
      message.success(t('remoteCentre.specimen.recorded', { step: stepLabel(t, step) }));
      setSpecimen(await get<SpecimenView>(`/specimens/${encodeURIComponent(specimen.barcode)}`));
      return true;
    } catch (failure) {
      setProblem(failure);
      return false;
    } finally {
      setBusy(undefined);
      refocus();
    }
  }

  async function confirmReject() {
    let values: { reason?: RejectReason; note?: string };
    try {
      values = await rejectForm.validateFields();
    } catch {
      return;
    }
    const note = values.note?.trim();
    if (!values.reason) return;
    if (await record('rejected', { reason: values.reason, ...(note ? { note } : {}) })) {
      setRejecting(false);
      rejectForm.resetFields();
    }
  }

  const next = specimen ? nextStep(specimen.status) : null;
  const shown = problem === undefined ? undefined : describeError(problem, t);
  return (
    <div className="rc-page" data-testid="specimen-reception">
      <div className="rc-back">
        <Button icon={<ArrowLeftOutlined aria-hidden />} onClick={() => navigate('..')}>
          {t('remoteCentre.specimen.back')}
        </Button>
      </div>
      <Card
        variant="borderless"
        className="rc-card"
        title={
          <Typography.Title level={2} className="rc-card-heading">
            {t('remoteCentre.specimen.heading')}
          </Typography.Title>
        }
      >
        <Typography.Paragraph type="secondary">{t('remoteCentre.specimen.intro')}</Typography.Paragraph>
        <Form layout="vertical" onFinish={() => find(text)} className="rc-scan">
          <Form.Item
            label={t('remoteCentre.specimen.barcode')}
            htmlFor="rc-barcode"
            validateStatus={invalid ? 'error' : undefined}
            help={invalid ? t('remoteCentre.specimen.invalid') : undefined}
          >
            <Space.Compact className="rc-scan__row">
              <Input
                id="rc-barcode"
                ref={input}
                autoFocus
                autoComplete="off"
                spellCheck={false}
                value={text}
                prefix={<ScanOutlined aria-hidden />}
                placeholder={t('remoteCentre.specimen.barcodePlaceholder')}
                onChange={(e) => {
                  setText(e.target.value);
                  setInvalid(false);
                }}
                data-testid="specimen-barcode-input"
              />
              <Button type="primary" htmlType="submit" loading={loading} data-testid="specimen-find">
                {t('remoteCentre.specimen.find')}
              </Button>
            </Space.Compact>
          </Form.Item>
        </Form>
        {shown && (
          <Alert
            type="error"
            showIcon
            role="alert"
            className="rc-alert"
            title={shown.title}
            description={shown.detail}
            data-testid="specimen-problem"
          />
        )}
        {specimen && (
          <section aria-labelledby="rc-specimen-found" className="rc-section" data-testid="specimen-found">
            <Typography.Title level={3} id="rc-specimen-found" className="rc-section__title">
              {t('remoteCentre.specimen.chain')}
            </Typography.Title>
            <SpecimenSummary specimen={specimen} />
            <div className="rc-specimen__actions">
              {next && ACTIONS.some((a) => a.step === next) && (
                <Typography.Text strong>
                  {t('remoteCentre.specimen.next', { step: stepLabel(t, next) })}
                </Typography.Text>
              )}
              <Space wrap>
                {ACTIONS.map((a) => (
                  <Button
                    key={a.step}
                    type={next === a.step ? 'primary' : 'default'}
                    icon={a.icon}
                    disabled={stepDone(specimen.status, a.step) || (busy !== undefined && busy !== a.step)}
                    loading={busy === a.step}
                    onClick={() => record(a.step)}
                    data-testid={`specimen-${a.step}`}
                  >
                    {t(a.label)}
                  </Button>
                ))}
                <Button
                  danger
                  icon={<CloseCircleOutlined aria-hidden />}
                  disabled={!rejectable(specimen.status) || busy !== undefined}
                  onClick={() => setRejecting(true)}
                  data-testid="specimen-reject"
                >
                  {t('remoteCentre.specimen.reject')}
                </Button>
                <Button
                  onClick={() => navigate(`../${specimen.requestId}`)}
                  data-testid="specimen-open-request"
                >
                  {t('remoteCentre.specimen.openRequest')}
                </Button>
              </Space>
              {!next && <Typography.Text type="secondary">{t('remoteCentre.specimen.done')}</Typography.Text>}
            </div>
          </section>
        )}
      </Card>
      <Modal
        open={rejecting}
        title={t('remoteCentre.specimen.rejectTitle')}
        okText={t('remoteCentre.specimen.rejectOk')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, loading: busy === 'rejected' }}
        onOk={confirmReject}
        onCancel={() => {
          setRejecting(false);
          refocus();
        }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('remoteCentre.specimen.rejectHint')}</Typography.Paragraph>
        <Form form={rejectForm} layout="vertical" data-testid="specimen-reject-form">
          <Form.Item
            name="reason"
            label={t('remoteCentre.specimen.rejectReason')}
            rules={[{ required: true, message: t('remoteCentre.specimen.rejectReasonRequired') }]}
          >
            <Select
              options={REASONS.map((r) => ({ value: r, label: t(`remoteCentre.rejectReason.${r}`) }))}
              data-testid="specimen-reject-reason"
            />
          </Form.Item>
          <Form.Item name="note" label={t('remoteCentre.specimen.rejectNote')}>
            <Input.TextArea maxLength={200} autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
