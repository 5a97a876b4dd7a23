import { useSearchParams } from 'react-router-dom';
import type { Page } from '../../../shared/http.js';
import type { Dependent } from '../../../shared/identity.js';
import { useMe } from '../../auth.js';
import { useApiData } from '../../components/useApiData.js';

export interface RecordsPatient {
  /** The patient whose archive is open; undefined when the account has no patient record yet (unverified). */
  patientId: string | undefined;
  /** The `?patient=` of the address, kept on every link so the family member stays chosen (ID-6). */
  chosen: string | undefined;
  name: string;
  isSelf: boolean;
}

/**
 * Whose archive the records pages show: oneself, or the family member named by `?patient=` (an active
 * dependent the account acts for, ID-6). The server checks the proxy relationship on every request.
 */
export function useRecordsPatient(): RecordsPatient {
  const me = useMe();
  const [params] = useSearchParams();
  const chosen = params.get('patient') ?? undefined;
  const other = chosen !== undefined && chosen !== me.patientId;
  const { data } = useApiData<Page<Dependent>>(other ? '/me/dependents' : null);
  if (!other) return { patientId: me.patientId, chosen: undefined, name: me.name, isSelf: true };
  const dependent = data?.items.find((d) => d.patientId === chosen);
  return { patientId: chosen, chosen, name: dependent?.name ?? '', isSelf: false };
}
