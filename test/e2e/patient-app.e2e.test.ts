/**
 * The patient app as Chinese patients expect it ([8/12]): one server and one Chromium for every group of
 * journeys in test/e2e/patient-app/, so the groups cost one start-up between them.
 */
import { describe, it } from 'vitest';
import { journeys as healthCard } from './patient-app/health-card.journey.js';
import { journeys as home } from './patient-app/home.journey.js';
import type { Journey } from './patient-app/journey.js';
import { journeys as orders } from './patient-app/orders.journey.js';
import { journeys as search } from './patient-app/search.journey.js';
import { journeys as triage } from './patient-app/triage.journey.js';
import { journeys as waitlist } from './patient-app/waitlist.journey.js';
import { journeys as wording } from './patient-app/wording.journey.js';
import { journeyHarness } from './support.js';

const harness = journeyHarness();

const GROUPS: [string, Journey[]][] = [
  ['search', search],
  ['triage', triage],
  ['waitlist', waitlist],
  ['orders', orders],
  ['health card', healthCard],
  ['home', home],
  ['wording', wording],
];

for (const [group, journeys] of GROUPS) {
  describe(group, () => {
    for (const journey of journeys) it(journey.name, () => journey.run(harness));
  });
}
