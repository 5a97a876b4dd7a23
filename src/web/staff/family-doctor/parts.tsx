import { Alert, Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  Classification,
  HomeServiceStatus,
  ReadingView,
  ReferralStatus,
} from '../../../shared/family-doctor.js';
import type { Page } from '../../../shared/http.js';
import { ApiError, get } from '../../api.js';
import { describeError } from '../../errors.js';
import { formatInstant } from '../supervision/format.js';

/** An instant to the minute in Shanghai: 2026-11-24 09:03. */
export const dateTime = (iso: string) => formatInstant(iso).slice(0, 16);

/** 男 · 72 岁 (what is known of it), or —. */
export function sexAge(
  sex: 'male' | 'female' | null | undefined,
  age: number | null | undefined,
  t: TFunction,
) {
  return (
    [sex ? t(`fdStaff.common.${sex}`) : null, age == null ? null : t('fdStaff.common.age', { age })]
      .filter(Boolean)
      .join(' · ') || t('fdStaff.common.none')
  );
}

/** 165/100 mmHg or 7.8 mmol/L（空腹）: one home reading as the team reads it. */
export function readingText(r: ReadingView, t: TFunction): string {
  if (r.kind === 'bp') {
    const pulse = r.pulse === null ? '' : ` · ${t('fdStaff.reading.pulse', { pulse: r.pulse })}`;
    return `${r.systolic}/${r.diastolic} mmHg${pulse}`;
  }
  const value = r.glucoseMmol?.toFixed(1) ?? '';
  if (!r.glucoseTiming) return `${value} mmol/L`;
  return t('fdStaff.reading.glucose', { value, timing: t(`fdStaff.reading.timing.${r.glucoseTiming}`) });
}

const CLASSIFICATION_COLOR: Record<Classification, string> = {
  controlled: 'success',
  uncontrolled: 'warning',
  urgent: 'error',
};

export function ClassificationTag({ value }: { value: Classification | null }) {
  const { t } = useTranslation();
  if (!value) return <span className="fd-muted">{t('fdStaff.common.none')}</span>;
  return (
    <Tag color={CLASSIFICATION_COLOR[value]} data-testid="fd-classification" data-value={value}>
      {t(`fdStaff.classification.${value}`)}
    </Tag>
  );
}

const REFERRAL_COLOR: Record<ReferralStatus, string> = {
  sent: 'processing',
  accepted: 'blue',
  booked: 'geekblue',
  completed: 'success',
  declined: 'error',
  cancelled: 'default',
};

export function ReferralStatusTag({ status }: { status: ReferralStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={REFERRAL_COLOR[status]} data-testid="referral-status" data-status={status}>
      {t(`fdStaff.referralStatus.${status}`)}
    </Tag>
  );
}

const SERVICE_COLOR: Record<HomeServiceStatus, string> = {
  pending_payment: 'default',
  requested: 'processing',
  accepted: 'blue',
  in_service: 'orange',
  completed: 'success',
  cancelled: 'default',
};

export function ServiceStatusTag({ status }: { status: HomeServiceStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={SERVICE_COLOR[status]} data-testid="home-service-status" data-status={status}>
      {t(`fdStaff.serviceStatus.${status}`)}
    </Tag>
  );
}

export interface Paged<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  loadMore(): void;
  reload(): void;
}

/**
 * A cursor-paged list: the first page of `path` (null waits), then more on demand. A new path starts
 * again from its first page; an answer for an old path is dropped.
 */
export function usePaged<T>(path: string | null): Paged<T> {
  const [pages, setPages] = useState<Page<T>[]>([]);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [version, setVersion] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload trigger.
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setLoading(true);
    get<Page<T>>(path).then(
      (first) => {
        if (!current) return;
        setPages([first]);
        setError(undefined);
        setLoading(false);
      },
      (failure) => {
        if (!current) return;
        setPages([]);
        setError(failure);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [path, version]);

  const cursor = pages.at(-1)?.nextCursor ?? null;
  const loadMore = useCallback(() => {
    if (!path || !cursor) return;
    setLoadingMore(true);
    const join = path.includes('?') ? '&' : '?';
    get<Page<T>>(`${path}${join}cursor=${encodeURIComponent(cursor)}`)
      .then(
        (next) => setPages((loaded) => [...loaded, next]),
        (failure) => setError(failure),
      )
      .finally(() => setLoadingMore(false));
  }, [path, cursor]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  return {
    items: pages.flatMap((p) => p.items),
    error,
    loading,
    loadingMore,
    hasMore: cursor !== null,
    loadMore,
    reload,
  };
}

/** A query string of the set values only. */
export function query(path: string, params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** A refusal with its precise detail on a line of its own (NURSE_NOT_QUALIFIED says why, FD-9). */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const { title, detail } = describeError(error, t);
  return (
    <Alert
      type="error"
      showIcon
      className="fd-block"
      title={title}
      description={detail}
      data-testid="fd-error"
      data-code={error instanceof ApiError ? error.code : undefined}
    />
  );
}
