import type { ComponentType } from 'react';
import type { FeatureKey } from './consoles.js';
import { BookingPolicyPage } from './scheduling/BookingPolicyPage.js';
import { SchedulesPage } from './scheduling/SchedulesPage.js';
import { TodayVisitsPage } from './scheduling/TodayVisitsPage.js';

/** The console features built so far; the others open the 即将上线 page. */
export const FEATURE_PAGES: Partial<Record<FeatureKey, ComponentType>> = {
  todayVisits: TodayVisitsPage,
  schedules: SchedulesPage,
  bookingPolicy: BookingPolicyPage,
};
