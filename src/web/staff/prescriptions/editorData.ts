/** What the prescription editor loads: the values of a saved draft and the catalogue rows of its lines. */
import { useEffect } from 'react';
import type { Drug, PrescriptionView } from '../../../shared/prescriptions.js';
import { get } from '../../api.js';
import type { EditorValues } from './prescribing.js';

export function valuesOf(draft: PrescriptionView): EditorValues {
  return {
    items: draft.items.map((item) => ({
      drugId: item.drugId,
      dose: item.dose,
      doseUnit: item.doseUnit,
      frequency: item.frequency,
      days: item.days,
      quantity: item.quantity,
      route: item.route,
      note: item.note ?? undefined,
      interactionOverrideReason: item.interactionOverrideReason ?? undefined,
    })),
    validDays: draft.validDays,
    validityReason: draft.validityReason ?? undefined,
    longTermReason: draft.longTermReason ?? undefined,
    patientWeightKg: draft.patientWeightKg ?? undefined,
  };
}

/** The catalogue rows of an existing draft's lines (searched by name: the list answers whole rows). */
export function useDraftDrugs(
  draft: PrescriptionView | undefined,
  known: Map<string, Drug>,
  changed: () => void,
) {
  useEffect(() => {
    if (!draft) return;
    let current = true;
    for (const item of draft.items) {
      if (known.has(item.drugId)) continue;
      get<{ items: Drug[] }>(`/drugs?q=${encodeURIComponent(item.genericName)}&limit=20`).then(
        (answer) => {
          const drug = answer.items.find((d) => d.id === item.drugId);
          if (current && drug) {
            known.set(drug.id, drug);
            changed();
          }
        },
        () => {
          // The line keeps its name and price from the draft; only the hints need the row.
        },
      );
    }
    return () => {
      current = false;
    };
  }, [draft, known, changed]);
}
