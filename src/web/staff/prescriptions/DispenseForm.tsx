import { BarcodeOutlined, CheckCircleFilled } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, type InputRef, Select, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../../shared/http.js';
import type { DispenseBody, FulfilmentView, StockLine } from '../../../shared/prescriptions.js';
import { get, post } from '../../api.js';
import { errorText } from '../../errors.js';
import { shanghaiDate } from '../../format.js';
import {
  applyScan,
  defaultBatch,
  removeCode,
  type ScanState,
  type ScanTarget,
  scanComplete,
  selectLine,
  startScan,
} from './scanner.js';

const PICKUP_CODE = /^[0-9]{6}$/;

/** The batches of each line's drug at this pharmacy (searched by name; the stock list answers whole lines). */
function useBatches(pharmacyId: string, items: FulfilmentView['items']) {
  const [batches, setBatches] = useState<Record<string, StockLine['batches']>>({});
  useEffect(() => {
    let current = true;
    for (const item of items) {
      get<Page<StockLine>>(
        `/pharmacies/${pharmacyId}/stock?q=${encodeURIComponent(item.genericName)}&limit=50`,
      ).then(
        (answer) => {
          const line = answer.items.find((s) => s.drugId === item.drugId);
          if (current) setBatches((known) => ({ ...known, [item.drugId]: line?.batches ?? [] }));
        },
        () => {
          if (current) setBatches((known) => ({ ...known, [item.drugId]: [] }));
        },
      );
    }
    return () => {
      current = false;
    };
  }, [pharmacyId, items]);
  return batches;
}

/**
 * 调剂发药 (RX-11): per line a batch (first expiry first by default) and one 追溯码 per box, scanned into
 * one input that keeps the focus — a keyboard-wedge scanner types 20 digits and Enter; each scan goes to
 * the current line and the next line takes over once a line has all its boxes. A pick-up is handed over
 * against the patient's 6-digit code; a delivery is dispensed and shipped.
 */
export function DispenseForm({
  fulfilment,
  verified,
  onDone,
}: {
  fulfilment: FulfilmentView;
  verified: boolean;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const targets: ScanTarget[] = fulfilment.items.map((i) => ({ drugId: i.drugId, quantity: i.quantity }));
  const [scan, setScan] = useState<ScanState>(() => startScan(targets));
  const [typed, setTyped] = useState('');
  const [scanError, setScanError] = useState<string>();
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [pickupCode, setPickupCode] = useState('');
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const input = useRef<InputRef>(null);
  const batches = useBatches(fulfilment.pharmacyId, fulfilment.items);
  const today = shanghaiDate();
  const pickup = fulfilment.method === 'pickup';

  const batchOf = (drugId: string, quantity: number) =>
    chosen[drugId] ?? defaultBatch(batches[drugId] ?? [], quantity, today);
  const focusScan = () => window.setTimeout(() => input.current?.focus(), 0);
  const name = (line: number) => fulfilment.items[line]?.genericName ?? '';

  function onScan() {
    const outcome = applyScan(targets, scan, typed);
    setTyped('');
    if (!outcome.ok) {
      setScanError(
        outcome.reason === 'duplicate'
          ? t('rxStaff.dispense.duplicate', { name: name(outcome.line ?? 0) })
          : t(`rxStaff.dispense.${outcome.reason}`),
      );
      return;
    }
    setScanError(undefined);
    setScan(outcome.state);
  }

  const complete = scanComplete(targets, scan);
  const allBatches = fulfilment.items.every((i) => batchOf(i.drugId, i.quantity));
  const ready = verified && complete && allBatches && (!pickup || PICKUP_CODE.test(pickupCode));

  async function submit() {
    const body: DispenseBody = {
      items: fulfilment.items.map((item, i) => ({
        drugId: item.drugId,
        batchNo: batchOf(item.drugId, item.quantity) ?? '',
        traceCodes: scan.codes[i] ?? [],
      })),
      ...(pickup ? { pickupCode } : {}),
    };
    setBusy(true);
    setFailure(undefined);
    try {
      await post(`/fulfilments/${fulfilment.id}/dispense`, body);
      message.success(t(pickup ? 'rxStaff.dispense.dispensed' : 'rxStaff.dispense.shipped'));
      onDone();
    } catch (refusal) {
      setFailure(refusal);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="rx-dispense" aria-label={t('rxStaff.dispense.title')} data-testid="dispense-form">
      <Typography.Title level={5}>{t('rxStaff.dispense.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('rxStaff.dispense.hint')}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item
          label={t('rxStaff.dispense.scanLabel')}
          htmlFor="trace-code-scan"
          validateStatus={scanError ? 'error' : undefined}
          help={
            scanError ??
            (scan.current < targets.length
              ? t('rxStaff.dispense.scanningFor', { name: name(scan.current) })
              : t('rxStaff.dispense.allScanned'))
          }
        >
          <Input
            id="trace-code-scan"
            ref={input}
            autoFocus
            autoComplete="off"
            inputMode="numeric"
            prefix={<BarcodeOutlined aria-hidden />}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            onPressEnter={onScan}
            placeholder={t('rxStaff.dispense.scanPlaceholder')}
            data-testid="trace-code-input"
          />
        </Form.Item>
      </Form>
      <ol className="rx-scan-lines">
        {fulfilment.items.map((item, i) => {
          const codes = scan.codes[i] ?? [];
          const options = batches[item.drugId];
          const current = scan.current === i;
          const full = codes.length === item.quantity;
          return (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the line is also chosen by scanning; the batch select and code tags inside are keyboard-reachable.
            <li
              key={item.drugId}
              className={`rx-scan-line${current ? ' rx-scan-line--current' : ''}`}
              aria-label={item.genericName}
              aria-current={current ? 'step' : undefined}
              onClick={() => {
                setScan((s) => selectLine(targets, s, i));
                focusScan();
              }}
              data-testid="dispense-line"
            >
              <div className="rx-scan-line__head">
                <strong>{item.genericName}</strong>
                <span className="visit-muted">{item.spec}</span>
                <span>{t('rxStaff.sheet.quantity', { count: item.quantity, unit: item.packageUnit })}</span>
                <span className="rx-scan-line__progress" data-testid="scan-progress">
                  {full ? <CheckCircleFilled aria-hidden className="rx-outcome--pass" /> : null}{' '}
                  {t('rxStaff.dispense.progress', { count: codes.length, total: item.quantity })}
                </span>
                {current && <Tag color="processing">{t('rxStaff.dispense.current')}</Tag>}
              </div>
              <Select
                size="small"
                className="rx-scan-line__batch"
                aria-label={`${item.genericName} ${t('rxStaff.dispense.batch')}`}
                placeholder={t('rxStaff.dispense.batchPlaceholder')}
                loading={options === undefined}
                value={batchOf(item.drugId, item.quantity)}
                notFoundContent={t('rxStaff.dispense.noStock')}
                onChange={(batchNo: string) => {
                  setChosen((c) => ({ ...c, [item.drugId]: batchNo }));
                  focusScan();
                }}
                options={(options ?? []).map((b) => ({
                  value: b.batchNo,
                  label: t('rxStaff.dispense.batchOption', b),
                  disabled: b.expiresOn < today,
                }))}
              />
              <div className="rx-scan-line__codes">
                {codes.map((code) => (
                  <Tag
                    key={code}
                    closable={{ 'aria-label': t('rxStaff.dispense.removeCode', { code }) }}
                    className="rx-mono"
                    onClose={(e) => {
                      e.preventDefault();
                      setScan((s) => removeCode(targets, s, i, code));
                      focusScan();
                    }}
                  >
                    {code}
                  </Tag>
                ))}
              </div>
            </li>
          );
        })}
      </ol>
      {pickup && (
        <Form layout="vertical">
          <Form.Item
            label={t('rxStaff.dispense.pickupCode')}
            htmlFor="pickup-code"
            validateStatus={pickupCode && !PICKUP_CODE.test(pickupCode) ? 'error' : undefined}
            help={
              pickupCode && !PICKUP_CODE.test(pickupCode)
                ? t('rxStaff.dispense.pickupCodeInvalid')
                : undefined
            }
          >
            <Input
              id="pickup-code"
              inputMode="numeric"
              maxLength={6}
              autoComplete="off"
              value={pickupCode}
              onChange={(e) => setPickupCode(e.target.value.replace(/\D/g, ''))}
              placeholder={t('rxStaff.dispense.pickupCodePlaceholder')}
              className="rx-pickup-code"
              data-testid="pickup-code"
            />
          </Form.Item>
        </Form>
      )}
      {failure !== undefined && (
        <Alert
          type="error"
          showIcon
          className="rx-dispense__error"
          title={errorText(failure, t)}
          data-testid="dispense-error"
        />
      )}
      {!complete || !allBatches ? (
        <Typography.Paragraph type="secondary">{t('rxStaff.dispense.incomplete')}</Typography.Paragraph>
      ) : null}
      <Button type="primary" disabled={!ready} loading={busy} onClick={submit} data-testid="dispense-submit">
        {t(pickup ? 'rxStaff.dispense.submitPickup' : 'rxStaff.dispense.submitDelivery')}
      </Button>
    </section>
  );
}
