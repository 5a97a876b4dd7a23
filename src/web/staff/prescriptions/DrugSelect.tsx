import { Select, Spin, Tag } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Drug } from '../../../shared/prescriptions.js';
import { get } from '../../api.js';
import { formatYuan } from '../../format.js';
import { DrugTags } from './tags.js';

const SEARCH_DELAY_MS = 250;

interface DrugSelectProps {
  id?: string;
  /** The chosen drug's id (a Form.Item value); null keeps the box empty (a picker that adds). */
  value?: string | null;
  onChange?(drugId: string): void;
  /** Told the whole catalogue row of what was picked. */
  onPick?(drug: Drug): void;
  /** The chosen drug when it is already known (an existing line). */
  selected?: Drug;
  /** Shown for `value` while its catalogue row is not known yet. */
  fallbackLabel?: string;
  /** Only this institution's formulary (the doctor prescribes from it). */
  formulary?: string;
  /** Drugs that cannot be picked (already on the prescription, already in the formulary). */
  exclude?: ReadonlySet<string>;
  disabled?: boolean;
  'aria-label'?: string;
  'data-testid'?: string;
}

/** 苯磺酸氨氯地平片（络活喜）. */
export const drugName = (d: Pick<Drug, 'genericName' | 'brandName'>) =>
  d.brandName ? `${d.genericName}（${d.brandName}）` : d.genericName;

/**
 * The drug catalogue searched on the server by generic name, brand or pinyin initials ("aldp" or
 * "氨氯" → 苯磺酸氨氯地平片); each option shows the spec, the price per package, Rx/OTC, the insurance
 * category and the antimicrobial grade.
 */
export function DrugSelect({
  id,
  value,
  onChange,
  onPick,
  selected,
  fallbackLabel,
  formulary,
  exclude,
  disabled,
  ...rest
}: DrugSelectProps) {
  const { t } = useTranslation();
  const [found, setFound] = useState<Drug[]>([]);
  const [searching, setSearching] = useState(false);
  const [typed, setTyped] = useState(false);
  const timer = useRef(0);
  const latest = useRef(0);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  function search(query: string) {
    window.clearTimeout(timer.current);
    const q = query.trim();
    setTyped(q !== '');
    if (!q) {
      setFound([]);
      return;
    }
    timer.current = window.setTimeout(async () => {
      const asked = ++latest.current;
      setSearching(true);
      const params = new URLSearchParams({ q, limit: '20' });
      if (formulary) params.set('formulary', formulary);
      try {
        const answer = await get<{ items: Drug[] }>(`/drugs?${params.toString()}`);
        if (asked === latest.current) setFound(answer.items);
      } catch {
        if (asked === latest.current) setFound([]);
      } finally {
        if (asked === latest.current) setSearching(false);
      }
    }, SEARCH_DELAY_MS);
  }

  // Only prescribing is bound to the formulary; stock and the formulary itself take any catalogue drug.
  const outside = (d: Drug) => formulary !== undefined && d.inFormulary === false;
  const known = new Map<string, Drug>();
  if (selected) known.set(selected.id, selected);
  for (const d of found) known.set(d.id, d);
  const options: { value: string; label: string; disabled?: boolean; drug?: Drug }[] = [
    ...known.values(),
  ].map((d) => ({
    value: d.id,
    label: `${drugName(d)} ${d.spec}`,
    disabled: (exclude?.has(d.id) && d.id !== value) || outside(d),
    drug: d,
  }));
  if (value && !known.has(value)) options.unshift({ value, label: fallbackLabel ?? value });

  return (
    <Select<string>
      id={id}
      value={value}
      disabled={disabled}
      placeholder={t('rxStaff.drugSearch.placeholder')}
      showSearch={{ filterOption: false, onSearch: search }}
      notFoundContent={
        searching ? (
          <Spin size="small" />
        ) : (
          <span className="visit-muted">
            {typed ? t('rxStaff.drugSearch.empty') : t('rxStaff.drugSearch.typeToSearch')}
          </span>
        )
      }
      options={options}
      optionRender={(option) => {
        const d = option.data.drug as Drug | undefined;
        if (!d) return option.label;
        return (
          <div className="drug-option" data-testid={`drug-option-${d.id}`}>
            <div className="drug-option__name">
              <strong>{d.genericName}</strong>
              {d.brandName && <span className="visit-muted">（{d.brandName}）</span>}
            </div>
            <div className="drug-option__meta">
              <span>{d.spec}</span>
              <span>
                {t('rxStaff.drugSearch.price', { price: formatYuan(d.priceFen), unit: d.packageUnit })}
              </span>
              <DrugTags drug={d} />
              {outside(d) && <Tag variant="filled">{t('rxStaff.notInFormulary')}</Tag>}
            </div>
          </div>
        );
      }}
      onChange={(drugId) => {
        // The pick first: a form reacting to the change already knows the drug.
        const drug = known.get(drugId);
        if (drug) onPick?.(drug);
        onChange?.(drugId);
      }}
      popupMatchSelectWidth={false}
      classNames={{ popup: { root: 'drug-select-popup' } }}
      {...rest}
    />
  );
}
