import { type TSchema, Type } from 'typebox';

/** Schemas shared by every module's routes. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    code: Type.String(),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details (application/problem+json)' },
);

/** Problem responses a route may give, for the OpenAPI document. */
export function problems(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema]));
}

export const Uuid = Type.String({ format: 'uuid', description: 'UUID' });
export const Phone = Type.String({
  pattern: '^1[3-9][0-9]{9}$',
  description: '中国大陆手机号（11 位）',
  examples: ['13800000001'],
});
export const IdParams = Type.Object({ id: Uuid });
export const Empty = Type.Null({ description: 'No content' });

export function page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}
