import type { ComponentType } from 'react';
import type { FeatureKey } from './consoles.js';
import { FirstVisitPilotPage } from './oversight/FirstVisitPilotPage.js';
import { FirstVisitWhitelistPage } from './oversight/FirstVisitWhitelistPage.js';
import { VisitOversightPage } from './oversight/VisitOversightPage.js';
import { BookingPolicyPage } from './scheduling/BookingPolicyPage.js';
import { SchedulesPage } from './scheduling/SchedulesPage.js';
import { TodayVisitsPage } from './scheduling/TodayVisitsPage.js';
import { OnlineVisitsPage } from './visits/OnlineVisitsPage.js';

/** The console features built so far; the others open the 即将上线 page. */
export const FEATURE_PAGES: Partial<Record<FeatureKey, ComponentType>> = {
  todayVisits: TodayVisitsPage,
  onlineVisits: OnlineVisitsPage,
  schedules: SchedulesPage,
  bookingPolicy: BookingPolicyPage,
  firstVisitPilot: FirstVisitPilotPage,
  firstVisitWhitelist: FirstVisitWhitelistPage,
  visitOversight: VisitOversightPage,
};
