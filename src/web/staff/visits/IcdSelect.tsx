import { Select, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IcdEntry, RecordDiagnosis } from '../../../shared/visits.js';
import { get } from '../../api.js';

const SEARCH_DELAY_MS = 250;

interface IcdSelectProps {
  id?: string;
  value?: RecordDiagnosis[];
  onChange?(value: RecordDiagnosis[]): void;
  disabled?: boolean;
}

/** Diagnoses picked from ICD-10, searched on the server by code prefix or Chinese name (高血压 → I10). */
export function IcdSelect({ id, value = [], onChange, disabled }: IcdSelectProps) {
  const { t } = useTranslation();
  const [found, setFound] = useState<IcdEntry[]>([]);
  const [searching, setSearching] = useState(false);
  const timer = useRef(0);
  const latest = useRef(0);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  function search(query: string) {
    window.clearTimeout(timer.current);
    const q = query.trim();
    if (!q) {
      setFound([]);
      return;
    }
    timer.current = window.setTimeout(async () => {
      const asked = ++latest.current;
      setSearching(true);
      try {
        const answer = await get<{ items: IcdEntry[] }>(`/icd10?q=${encodeURIComponent(q)}`);
        if (asked === latest.current) setFound(answer.items);
      } catch {
        if (asked === latest.current) setFound([]);
      } finally {
        if (asked === latest.current) setSearching(false);
      }
    }, SEARCH_DELAY_MS);
  }

  const known = new Map<string, string>();
  for (const d of value) known.set(d.icd10, d.name);
  for (const e of found) known.set(e.code, e.name);

  return (
    <Select
      id={id}
      mode="multiple"
      value={value.map((d) => d.icd10)}
      disabled={disabled}
      placeholder={t('workstation.record.diagnosesPlaceholder')}
      showSearch={{ filterOption: false, onSearch: search }}
      notFoundContent={searching ? <Spin size="small" /> : null}
      options={[...known].map(([code, name]) => ({ value: code, label: `${code} ${name}` }))}
      onChange={(codes: string[]) =>
        onChange?.(codes.map((code) => ({ icd10: code, name: known.get(code) ?? code })))
      }
      data-testid="icd-select"
    />
  );
}
