/**
 * The patient app's journeys ([8/12]) share one server and one Chromium (test/e2e/patient-app.e2e.test.ts):
 * each group is a module here exporting `journeys`. The server's data is shared between groups, so a
 * journey sets up its own schedules and never assumes how many orders, bookings or messages exist.
 */
import type { Page } from 'playwright-core';

export interface JourneyHarness {
  open(device: 'desktop' | 'phone'): Promise<Page>;
  url(): string;
}

export interface Journey {
  name: string;
  run(h: JourneyHarness): Promise<void>;
}
