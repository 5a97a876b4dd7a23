import { ErrorBlock, SpinLoading } from 'antd-mobile';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../errors.js';

interface LoadableProps<T> {
  /** undefined while loading. */
  items: T[] | undefined;
  error?: unknown;
  empty: string;
  emptyDesc?: string;
  children(items: T[]): ReactNode;
}

/** A list's three states on the H5: a spinner, an empty (or failed) block, or the items. */
export function Loadable<T>({ items, error, empty, emptyDesc, children }: LoadableProps<T>) {
  const { t } = useTranslation();
  if (items === undefined && error !== undefined) {
    return (
      <ErrorBlock
        className="patient-empty"
        status="default"
        title={t('common.loadFailed')}
        description={errorText(error, t)}
      />
    );
  }
  if (items === undefined) {
    return (
      <div className="patient-loading">
        <SpinLoading color="primary" />
      </div>
    );
  }
  if (items.length === 0) {
    return <ErrorBlock className="patient-empty" status="empty" title={empty} description={emptyDesc} />;
  }
  return <>{children(items)}</>;
}
