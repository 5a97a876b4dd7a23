/**
 * Building blocks of the API contracts in src/shared/: the server's routes use them as schemas, the web
 * imports the `Static` types. Browser-safe: TypeBox only, no Node API.
 */
import { type Static, type TSchema, Type } from 'typebox';

export const Uuid = Type.String({ format: 'uuid', description: 'UUID' });

/** A value or JSON null (the API answers null, not an absent field, where a value may be missing). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** One page of a list: every list endpoint pages (style: our own habits). */
export function page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const Sex = Type.Enum(['male', 'female'] as const);
export type Sex = Static<typeof Sex>;

/** `YYYY-MM-DD`, a day of the business calendar (Asia/Shanghai). */
export const DateText = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'YYYY-MM-DD（北京时间）',
});
/** `HH:MM`, a time of day in Asia/Shanghai. */
export const TimeText = Type.String({
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
  description: 'HH:MM（北京时间）',
});

// --- Numbers in the query string and the path: parsed in one place.

/**
 * Re-checks a number after the validator coerced it from the query text. AJV coerces `1e309` to
 * Infinity and then checks `minimum`/`maximum` only on finite numbers, so an overflow slipped through to
 * the database (500). A subschema sees the coerced value and its type check refuses a non-finite one, so
 * such a parameter is refused like any other bad number: 400 VALIDATION_FAILED (DJ-18).
 */
const FINITE_INTEGER = { type: 'integer' } as const;

/**
 * A whole number in the query string or the path (`?limit=20`), within bounds. Every numeric query and
 * path parameter is declared with this; `checkNumericParams` refuses a route that is not, at start-up.
 */
export function QueryInt(options: {
  minimum: number;
  maximum: number;
  default?: number;
  description?: string;
}) {
  return Type.Integer({ ...options, allOf: [FINITE_INTEGER] });
}

/** The page size of a list (style: every list endpoint pages). */
export function Limit(maximum: number, defaultLimit?: number) {
  return QueryInt({
    minimum: 1,
    maximum,
    ...(defaultLimit === undefined ? {} : { default: defaultLimit }),
    description:
      defaultLimit === undefined
        ? `每页条数（1–${maximum}）`
        : `每页条数（1–${maximum}），默认 ${defaultLimit}`,
  });
}
