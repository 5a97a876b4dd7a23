/** Words for the codes a prescription carries (route, frequency), falling back to the code itself. */
import type { TFunction } from 'i18next';
import { FREQUENCY_CODES, type Frequency } from '../../../shared/prescriptions.js';
import { prescriptionsStaffZh } from '../../i18n/prescriptions-staff.zh-CN.js';
import { tidyNumber } from './prescribing.js';

type Route = keyof typeof prescriptionsStaffZh.route;
export const ROUTES = Object.keys(prescriptionsStaffZh.route) as Route[];

const isRoute = (route: string): route is Route => Object.hasOwn(prescriptionsStaffZh.route, route);
const isFrequency = (code: string): code is Frequency =>
  (FREQUENCY_CODES as readonly string[]).includes(code);

export function routeLabel(t: TFunction, route: string): string {
  return isRoute(route) ? t(`rxStaff.route.${route}`) : route;
}

export function frequencyLabel(t: TFunction, frequency: string): string {
  return isFrequency(frequency) ? t(`rxStaff.frequency.${frequency}`) : frequency;
}

/** 用法：口服 5mg 每日一次 × 7 天. */
export function usageText(
  t: TFunction,
  line: { route: string; dose: number; doseUnit: string; frequency: string; days: number },
): string {
  return t('rxStaff.sheet.usage', {
    route: routeLabel(t, line.route),
    dose: tidyNumber(line.dose),
    unit: line.doseUnit,
    frequency: frequencyLabel(t, line.frequency),
    days: line.days,
  });
}

type DeliveryStatus = keyof typeof prescriptionsStaffZh.deliveryStatus;
type Courier = keyof typeof prescriptionsStaffZh.courier;

export function deliveryStatusLabel(t: TFunction, status: string): string {
  return Object.hasOwn(prescriptionsStaffZh.deliveryStatus, status)
    ? t(`rxStaff.deliveryStatus.${status as DeliveryStatus}`)
    : status;
}

export function courierLabel(t: TFunction, courier: string): string {
  return Object.hasOwn(prescriptionsStaffZh.courier, courier)
    ? t(`rxStaff.courier.${courier as Courier}`)
    : courier;
}
