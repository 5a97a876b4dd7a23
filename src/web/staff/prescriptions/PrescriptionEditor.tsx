import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, InputNumber, Radio, Spin, Tag, Typography } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { Created, Drug, PrescriptionView } from '../../../shared/prescriptions.js';
import type { VisitView } from '../../../shared/visits.js';
import { post, put } from '../../api.js';
import { errorText } from '../../errors.js';
import { formatYuan } from '../../format.js';
import { CheckList } from './CheckList.js';
import { violationsOf } from './checks.js';
import { DrugSelect } from './DrugSelect.js';
import { useDraftDrugs, valuesOf } from './editorData.js';
import { ItemCard } from './ItemCard.js';
import {
  convertDose,
  type EditorValues,
  type ItemValues,
  isChild,
  longestDays,
  MAX_ITEMS,
  MAX_NORMAL_DAYS,
  MAX_VALID_DAYS,
  newLine,
  suggestQuantity,
  toBody,
} from './prescribing.js';
import { useLiveChecks } from './useLiveChecks.js';

type Saved = Static<typeof Created>;

/**
 * Writing a prescription (new, or a saved draft): lines picked from the institution's formulary, the
 * validity (RX-6), a long-term reason above 7 days (RX-9), a child's weight; every change is checked
 * against the rules on the server as the doctor types (a dry run, debounced), save and sign check again.
 */
export function PrescriptionEditor({
  visit,
  draft,
  onSaved,
  onSigned,
}: {
  visit: VisitView;
  draft?: PrescriptionView;
  onSaved(id: string): void;
  onSigned(id: string): void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<EditorValues>();
  const initial = useMemo<EditorValues>(
    () => (draft ? valuesOf(draft) : { items: [], validDays: 1 }),
    [draft],
  );
  const [values, setValues] = useState<EditorValues>(initial);
  const drugs = useRef(new Map<string, Drug>()).current;
  const [, setKnownCount] = useState(0);
  const drugKnown = useMemo(() => () => setKnownCount((n) => n + 1), []);
  const [id, setId] = useState(draft?.id);
  const [busy, setBusy] = useState<'save' | 'sign'>();
  const child = isChild(visit.patientAge);
  useDraftDrugs(draft, drugs, drugKnown);

  const fallbacks = useMemo(
    () =>
      new Map(
        (draft?.items ?? []).map((item) => [
          item.drugId,
          {
            name: `${item.genericName} ${item.spec}`,
            priceFen: item.unitPriceFen,
            packageUnit: item.packageUnit,
          },
        ]),
      ),
    [draft],
  );

  // Live rule feedback: a dry run of the body as the doctor types.
  const body = useMemo(() => toBody(values, child), [values, child]);
  const checkPath = id ? `/prescriptions/${id}/check` : `/visits/${visit.id}/prescriptions/check`;
  const live = useLiveChecks(checkPath, body, draft?.checks ?? []);

  const sync = () => setValues({ ...(form.getFieldsValue(true) as EditorValues) });

  /** Keeps a line consistent as it is edited: a new drug's defaults, the dose across units, RX-7 quantity. */
  function onValuesChange(changed: EditorValues) {
    changed.items?.forEach((entry, i) => {
      if (!entry) return;
      const path: ['items', number] = ['items', i];
      const line = form.getFieldValue(path) as ItemValues;
      const drug = line.drugId ? drugs.get(line.drugId) : undefined;
      if (entry.drugId && drug) {
        form.setFieldValue(path, { ...newLine(drug), note: line.note });
        return;
      }
      const before = values.items?.[i];
      if (entry.doseUnit && drug && before?.doseUnit && before.dose) {
        const dose = convertDose(drug, before.dose, before.doseUnit, entry.doseUnit);
        if (dose !== undefined) form.setFieldValue([...path, 'dose'], dose);
      }
      // st: once, now — a single day (the server refuses more).
      if (entry.frequency === 'st') form.setFieldValue([...path, 'days'], 1);
      const affects = ['dose', 'doseUnit', 'frequency', 'days'].some((key) => key in entry);
      if (affects && drug) {
        const quantity = suggestQuantity(drug, form.getFieldValue(path) as ItemValues);
        if (quantity !== null) form.setFieldValue([...path, 'quantity'], quantity);
      }
    });
    sync();
  }

  async function save(): Promise<string | undefined> {
    try {
      await form.validateFields();
    } catch {
      return undefined;
    }
    const payload = toBody(form.getFieldsValue(true) as EditorValues, child);
    if (!payload) return undefined;
    try {
      const saved = id
        ? await put<Saved>(`/prescriptions/${id}`, payload)
        : await post<Saved>(`/visits/${visit.id}/prescriptions`, payload);
      live.report(saved.checks, false);
      setId(saved.id);
      return saved.id;
    } catch (failure) {
      const violations = violationsOf(failure);
      if (violations.length > 0) live.report(violations, true);
      message.error(errorText(failure, t));
      return undefined;
    }
  }

  async function saveDraft() {
    setBusy('save');
    try {
      const saved = await save();
      if (saved) {
        message.success(t('rxStaff.editor.saved'));
        onSaved(saved);
      }
    } finally {
      setBusy(undefined);
    }
  }

  async function sign() {
    try {
      await form.validateFields();
    } catch {
      return;
    }
    modal.confirm({
      title: t('rxStaff.editor.signTitle'),
      content: t('rxStaff.editor.signConfirm'),
      okText: t('rxStaff.editor.signOk'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        setBusy('sign');
        try {
          const saved = await save();
          if (!saved) return;
          await post(`/prescriptions/${saved}/sign`);
          message.success(t('rxStaff.editor.signed'));
          onSigned(saved);
        } catch (failure) {
          const violations = violationsOf(failure);
          if (violations.length > 0) live.report(violations, true);
          message.error(errorText(failure, t));
        } finally {
          setBusy(undefined);
        }
      },
    });
  }

  const items = values.items ?? [];
  const chosen = new Set(items.flatMap((item) => (item?.drugId ? [item.drugId] : [])));
  const totalFen = items.reduce((sum, item) => {
    const price = item?.drugId
      ? (drugs.get(item.drugId)?.priceFen ?? fallbacks.get(item.drugId)?.priceFen)
      : 0;
    return sum + (price ?? 0) * (item?.quantity ?? 0);
  }, 0);
  const longTerm = longestDays(values) > MAX_NORMAL_DAYS;
  const validDays = values.validDays ?? 1;

  return (
    <Form
      form={form}
      layout="vertical"
      size="small"
      className="rx-editor"
      initialValues={initial}
      onValuesChange={onValuesChange}
      data-testid="prescription-editor"
    >
      <div className="rx-editor__body">
        {draft?.replacesId && (
          <Tag color="orange" className="rx-editor__revision">
            {t('rxStaff.editor.draftOf', { version: draft.version - 1 })}
          </Tag>
        )}
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => {
                const line = items[index] ?? {};
                return (
                  <ItemCard
                    key={field.key}
                    field={field}
                    index={index}
                    values={line}
                    drug={line.drugId ? drugs.get(line.drugId) : undefined}
                    fallback={line.drugId ? fallbacks.get(line.drugId) : undefined}
                    checks={live.checks}
                    formulary={visit.institutionId}
                    exclude={chosen}
                    onPick={(drug) => {
                      drugs.set(drug.id, drug);
                      drugKnown();
                    }}
                    onUseSuggested={(quantity) => {
                      form.setFieldValue(['items', index, 'quantity'], quantity);
                      sync();
                    }}
                    onRemove={() => {
                      remove(field.name);
                      sync();
                    }}
                  />
                );
              })}
              <div className="rx-add">
                <Typography.Text strong className="rx-add__label">
                  <PlusOutlined aria-hidden /> {t('rxStaff.editor.addItem')}
                </Typography.Text>
                <DrugSelect
                  value={null}
                  formulary={visit.institutionId}
                  exclude={chosen}
                  disabled={fields.length >= MAX_ITEMS}
                  onPick={(drug) => {
                    drugs.set(drug.id, drug);
                    add(newLine(drug));
                    sync();
                  }}
                  aria-label={t('rxStaff.editor.addItem')}
                  data-testid="add-drug"
                />
                {fields.length >= MAX_ITEMS && (
                  <Typography.Text type="secondary" className="rx-add__hint">
                    {t('rxStaff.editor.maxItems')}
                  </Typography.Text>
                )}
              </div>
            </>
          )}
        </Form.List>

        <div className="rx-editor__extras">
          <Form.Item
            name="validDays"
            label={t('rxStaff.editor.validDays')}
            extra={t('rxStaff.editor.validDaysHint')}
          >
            <Radio.Group
              optionType="button"
              options={Array.from({ length: MAX_VALID_DAYS }, (_, i) => ({
                value: i + 1,
                label: t('rxStaff.editor.validDaysOption', { count: i + 1 }),
              }))}
            />
          </Form.Item>
          {validDays > 1 && (
            <Form.Item
              name="validityReason"
              label={t('rxStaff.editor.validityReason')}
              rules={[
                {
                  required: true,
                  whitespace: true,
                  message: t('rxStaff.editor.required', { field: t('rxStaff.editor.validityReason') }),
                },
              ]}
            >
              <Input maxLength={500} placeholder={t('rxStaff.editor.validityReasonPlaceholder')} />
            </Form.Item>
          )}
          {longTerm && (
            <Form.Item
              name="longTermReason"
              label={t('rxStaff.editor.longTermReason')}
              extra={t('rxStaff.editor.longTermHint')}
              rules={[
                {
                  required: true,
                  whitespace: true,
                  message: t('rxStaff.editor.required', { field: t('rxStaff.editor.longTermReason') }),
                },
              ]}
            >
              <Input.TextArea
                autoSize={{ minRows: 1, maxRows: 4 }}
                maxLength={500}
                placeholder={t('rxStaff.editor.longTermPlaceholder')}
              />
            </Form.Item>
          )}
          {child && (
            <Form.Item
              name="patientWeightKg"
              label={t('rxStaff.editor.weight')}
              extra={t('rxStaff.editor.weightHint')}
              rules={[
                {
                  required: true,
                  message: t('rxStaff.editor.required', { field: t('rxStaff.editor.weight') }),
                },
              ]}
            >
              <InputNumber min={0.5} max={300} step={0.5} suffix={t('rxStaff.editor.weightSuffix')} />
            </Form.Item>
          )}
        </div>

        <section className="rx-live" aria-label={t('rxStaff.checks.title')} data-testid="live-checks">
          <div className="rx-live__head">
            <Typography.Text strong>{t('rxStaff.checks.title')}</Typography.Text>
            <Typography.Text type="secondary" className="rx-live__state" data-testid="check-state">
              {live.checking ? (
                <>
                  <Spin size="small" /> {t('rxStaff.checks.checking')}
                </>
              ) : (
                t('rxStaff.checks.live')
              )}
            </Typography.Text>
          </div>
          {live.refused && (
            <Alert type="error" showIcon className="rx-live__alert" title={t('rxStaff.checks.failed')} />
          )}
          {live.error !== undefined && (
            <Alert type="warning" showIcon className="rx-live__alert" title={errorText(live.error, t)} />
          )}
          {body === null ? (
            <Typography.Text type="secondary">{t('rxStaff.checks.incomplete')}</Typography.Text>
          ) : (
            <CheckList checks={live.checks} foldPassed label={t('rxStaff.checks.title')} />
          )}
        </section>
      </div>
      <div className="record-form__actions">
        <Typography.Text strong className="rx-editor__total" data-testid="editor-total">
          {t('rxStaff.editor.total', { amount: formatYuan(totalFen) })}
        </Typography.Text>
        <Button
          onClick={saveDraft}
          loading={busy === 'save'}
          disabled={busy === 'sign'}
          data-testid="prescription-save"
        >
          {t('rxStaff.editor.save')}
        </Button>
        <Button
          type="primary"
          onClick={sign}
          loading={busy === 'sign'}
          disabled={busy === 'save' || items.length === 0}
          data-testid="prescription-sign"
        >
          {t('rxStaff.editor.sign')}
        </Button>
      </div>
    </Form>
  );
}
