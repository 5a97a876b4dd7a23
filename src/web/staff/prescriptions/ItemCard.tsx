import { DeleteOutlined } from '@ant-design/icons';
import { Button, Form, type FormListFieldData, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Drug, FREQUENCY_CODES, type RuleCheck } from '../../../shared/prescriptions.js';
import { formatYuan } from '../../format.js';
import { CheckRow } from './CheckList.js';
import { findingsFor, interactionFlagged } from './checks.js';
import { DrugSelect } from './DrugSelect.js';
import { ROUTES, routeLabel } from './labels.js';
import {
  dailyDose,
  doseUnitsOf,
  type ItemValues,
  MAX_LONG_TERM_DAYS,
  suggestQuantity,
  tidyNumber,
} from './prescribing.js';
import { DrugTags } from './tags.js';

interface ItemCardProps {
  field: FormListFieldData;
  index: number;
  values: ItemValues;
  /** The line's catalogue row, once known. */
  drug: Drug | undefined;
  /** Name and price of an existing line whose catalogue row is still loading. */
  fallback?: { name: string; priceFen: number; packageUnit: string };
  checks: readonly RuleCheck[];
  formulary: string;
  exclude: ReadonlySet<string>;
  onPick(drug: Drug): void;
  onUseSuggested(quantity: number): void;
  onRemove(): void;
}

/**
 * One line of the prescription: the drug, dose and unit, frequency, days, route, the quantity (suggested
 * from the dose, RX-7, but the doctor's to change), a note, and — when a severe interaction names this
 * drug — the written reason to go on anyway (RX-10). The checks that name the drug are shown under it.
 */
export function ItemCard({
  field,
  index,
  values,
  drug,
  fallback,
  checks,
  formulary,
  exclude,
  onPick,
  onUseSuggested,
  onRemove,
}: ItemCardProps) {
  const { t } = useTranslation();
  const label = t('rxStaff.editor.itemLabel', { index: index + 1 });
  const packageUnit = drug?.packageUnit ?? fallback?.packageUnit ?? '';
  const suggested = drug ? suggestQuantity(drug, values) : null;
  const daily =
    drug && values.dose && values.doseUnit && values.frequency
      ? dailyDose(drug, values.dose, values.doseUnit, values.frequency)
      : null;
  const findings = findingsFor(checks, values.drugId);
  const flagged = interactionFlagged(checks, values.drugId) || Boolean(values.interactionOverrideReason);
  const price = drug?.priceFen ?? fallback?.priceFen;
  const required = (field: string) => [{ required: true, message: t('rxStaff.editor.required', { field }) }];

  return (
    <section className="rx-item" aria-label={label} data-testid="rx-item">
      <div className="rx-item__head">
        <Typography.Text strong>{label}</Typography.Text>
        <Button
          type="text"
          size="small"
          danger
          icon={<DeleteOutlined aria-hidden />}
          onClick={onRemove}
          aria-label={t('rxStaff.editor.removeItem', { index: index + 1 })}
        />
      </div>
      <Form.Item
        name={[field.name, 'drugId']}
        label={t('rxStaff.drugSearch.label')}
        rules={required(t('rxStaff.drugSearch.label'))}
      >
        <DrugSelect
          formulary={formulary}
          selected={drug}
          fallbackLabel={fallback?.name}
          exclude={exclude}
          onPick={onPick}
          aria-label={`${label} ${t('rxStaff.drugSearch.label')}`}
        />
      </Form.Item>
      {drug && (
        <div className="rx-item__drug">
          <span>{drug.spec}</span>
          <span>
            {t('rxStaff.drugSearch.price', { price: formatYuan(drug.priceFen), unit: drug.packageUnit })}
          </span>
          <DrugTags drug={drug} />
        </div>
      )}
      <div className="rx-item__grid">
        <Form.Item label={t('rxStaff.editor.dose')} required className="rx-item__dose">
          <Space.Compact block>
            <Form.Item name={[field.name, 'dose']} noStyle rules={required(t('rxStaff.editor.dose'))}>
              <InputNumber
                min={0}
                max={100000}
                step={1}
                aria-label={t('rxStaff.editor.dose')}
                className="rx-grow"
              />
            </Form.Item>
            <Form.Item name={[field.name, 'doseUnit']} noStyle>
              <Select
                aria-label={t('rxStaff.editor.doseUnit')}
                className="rx-unit"
                options={(drug ? doseUnitsOf(drug) : values.doseUnit ? [values.doseUnit] : []).map((u) => ({
                  value: u,
                  label: u,
                }))}
              />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
        <Form.Item
          name={[field.name, 'frequency']}
          label={t('rxStaff.editor.frequency')}
          rules={required(t('rxStaff.editor.frequency'))}
        >
          <Select
            options={FREQUENCY_CODES.map((code) => ({
              value: code,
              label: `${t(`rxStaff.frequency.${code}`)}（${code}）`,
            }))}
          />
        </Form.Item>
        <Form.Item
          name={[field.name, 'days']}
          label={t('rxStaff.editor.days')}
          rules={required(t('rxStaff.editor.days'))}
        >
          <InputNumber
            min={1}
            max={MAX_LONG_TERM_DAYS}
            precision={0}
            disabled={values.frequency === 'st'}
            suffix={t('rxStaff.editor.daysSuffix')}
            className="full-width"
          />
        </Form.Item>
        <Form.Item
          name={[field.name, 'quantity']}
          label={t('rxStaff.editor.quantity')}
          rules={required(t('rxStaff.editor.quantity'))}
        >
          <InputNumber min={1} max={1000} precision={0} suffix={packageUnit} className="full-width" />
        </Form.Item>
        <Form.Item
          name={[field.name, 'route']}
          label={t('rxStaff.editor.route')}
          rules={required(t('rxStaff.editor.route'))}
        >
          <Select
            options={[...new Set([...ROUTES, ...(values.route ? [values.route] : [])])].map((r) => ({
              value: r,
              label: routeLabel(t, r),
            }))}
          />
        </Form.Item>
      </div>
      <div className="rx-item__hints">
        {drug && daily !== null && (
          <span
            className={daily > drug.maxDailyDose ? 'rx-hint rx-hint--bad' : 'rx-hint'}
            data-testid="daily-dose"
          >
            {t('rxStaff.editor.dailyDose', {
              dose: tidyNumber(daily),
              unit: drug.strengthUnit,
              usual: tidyNumber(drug.usualDailyDose),
              max: tidyNumber(drug.maxDailyDose),
            })}
          </span>
        )}
        {suggested !== null && (
          <span className="rx-hint" data-testid="suggested-quantity">
            {values.quantity === suggested ? (
              t('rxStaff.editor.suggested', { count: suggested, unit: packageUnit })
            ) : (
              <>
                <Typography.Text type="warning">
                  {t('rxStaff.editor.quantityDiffers', { count: suggested, unit: packageUnit })}
                </Typography.Text>
                <Button type="link" size="small" onClick={() => onUseSuggested(suggested)}>
                  {t('rxStaff.editor.useSuggested')}
                </Button>
              </>
            )}
          </span>
        )}
        {price !== undefined && values.quantity ? (
          <span className="rx-hint rx-hint--total">
            {t('rxStaff.editor.lineTotal', { amount: formatYuan(price * values.quantity) })}
          </span>
        ) : null}
      </div>
      <Form.Item name={[field.name, 'note']} label={t('rxStaff.editor.note')}>
        <Input maxLength={200} placeholder={t('rxStaff.editor.notePlaceholder')} />
      </Form.Item>
      {flagged && (
        <Form.Item
          name={[field.name, 'interactionOverrideReason']}
          label={t('rxStaff.editor.overrideReason')}
          extra={<Typography.Text type="warning">{t('rxStaff.editor.overrideHint')}</Typography.Text>}
          className="rx-item__override"
        >
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 4 }}
            maxLength={500}
            placeholder={t('rxStaff.editor.overridePlaceholder')}
          />
        </Form.Item>
      )}
      {findings.length > 0 && (
        <ul
          className="rx-checks__list rx-item__findings"
          aria-label={`${label} ${t('rxStaff.checks.title')}`}
        >
          {findings.map((check) => (
            <CheckRow key={`${check.rule}-${check.code}-${check.message}`} check={check} />
          ))}
        </ul>
      )}
    </section>
  );
}
