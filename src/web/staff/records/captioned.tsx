import { Typography } from 'antd';
import type { ComponentProps, ReactNode } from 'react';
import { useId, useMemo } from 'react';

/**
 * antd's Table draws no <caption>; this gives it one (visually hidden: the card or section heading says the
 * same for sighted readers), so a screen reader announces what the table holds.
 */
export function useTableCaption(caption: string) {
  return useMemo(
    () => ({
      table: ({ children, ...props }: ComponentProps<'table'>) => (
        <table {...props}>
          <caption className="rec-sr-only">{caption}</caption>
          {children}
        </table>
      ),
    }),
    [caption],
  );
}

/** A titled part of a page: a real heading, and a region named by it. */
export function Section({
  title,
  level = 3,
  extra,
  children,
  className,
  testId,
}: {
  title: ReactNode;
  level?: 2 | 3 | 4 | 5;
  extra?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  const id = useId();
  return (
    <section aria-labelledby={id} className={className ?? 'rec-section'} data-testid={testId}>
      <div className="rec-section__head">
        <Typography.Title level={level} id={id} className="rec-section__title">
          {title}
        </Typography.Title>
        {extra}
      </div>
      {children}
    </section>
  );
}

/** A card title that is a heading (antd's card title is a plain div). */
export function CardHeading({ children, level = 2 }: { children: ReactNode; level?: 2 | 3 }) {
  return (
    <Typography.Title level={level} className="rec-card-heading">
      {children}
    </Typography.Title>
  );
}
