/**
 * DJ-11: the data-level tables of docs/security.md, printed from data-levels.ts between the markers
 * `<!-- data-levels:start -->` and `<!-- data-levels:end -->` (`npm run docs:data-levels`); a test keeps
 * the document in step.
 */
import { ROLES } from '../../shared/identity.js';
import {
  CATEGORIES,
  CATEGORY_ORDER,
  type Category,
  CLEARANCE,
  type DataLevel,
  LEVELS,
  type Level,
  ROUTES,
  type RouteData,
  TABLES,
} from './data-levels.js';

export const START = '<!-- data-levels:start -->';
export const END = '<!-- data-levels:end -->';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const label = (category: Category, level: Level) => `${CATEGORIES[category].zh} L${level}`;
const data = (d: RouteData) =>
  CATEGORY_ORDER.filter((c) => d[c] !== undefined)
    .map((c) => label(c, d[c]!))
    .join(', ');

function overrides(o: Readonly<Record<string, DataLevel>>): string {
  return Object.entries(o)
    .map(([column, l]) => `\`${column}\` ${label(l.category, l.level)}${l.note ? ` (${l.note})` : ''}`)
    .join('; ');
}

/** The generated block, markers included. */
export function renderDataLevels(): string {
  const lines = [
    START,
    '<!-- Generated from src/server/platform/data-levels.ts by `npm run docs:data-levels`; do not edit by hand. -->',
    '',
    '### Levels (GB/T 39725-2020 §6.2)',
    '',
    '| level | meaning |',
    '| --- | --- |',
    ...([1, 2, 3, 4, 5] as const).map((l) => `| L${l} | ${cell(LEVELS[l])} |`),
    '',
    '### Categories',
    '',
    '| category | 类别 | source |',
    '| --- | --- | --- |',
    ...CATEGORY_ORDER.map((c) => `| \`${c}\` | ${CATEGORIES[c].zh} | ${cell(CATEGORIES[c].source)} |`),
    '',
    '### Tables, by category',
    '',
    'Each table at its level; columns at another level or category are listed. Every column of every table',
    'is named in data-levels.ts: a new column without a level fails `data-levels.test.ts`.',
  ];
  for (const category of CATEGORY_ORDER) {
    const tables = TABLES.filter((t) => t.category === category).sort(
      (a, b) => b.level - a.level || a.table.localeCompare(b.table),
    );
    if (tables.length === 0) continue;
    lines.push(
      '',
      `#### ${CATEGORIES[category].zh} (${category})`,
      '',
      '| table | level | columns at another level |',
      '| --- | --- | --- |',
      ...tables.map(
        (t) =>
          `| \`${t.table}\`${t.note ? ` (${cell(t.note)})` : ''} | L${t.level} | ${cell(overrides(t.overrides))} |`,
      ),
    );
  }
  lines.push(
    '',
    '### API routes',
    '',
    'First matching pattern wins (`*` one segment, `**` any rest). A route under `/api/`, `/fhir/`, `/ws`,',
    '`/sim-gateway/` or the health endpoints matching none fails start-up. *self*: serves the caller’s own',
    'account only, so no clearance is checked; *anonymous*: a public route above L1, and why.',
    '',
    '| pattern | data | note |',
    '| --- | --- | --- |',
    ...ROUTES.map((r) => {
      const note = [
        r.self && `self: ${r.self}`,
        r.anonymous && `anonymous: ${r.anonymous}`,
        r.wider && `wider role list: ${r.wider}`,
      ]
        .filter(Boolean)
        .join('; ');
      return `| \`${r.pattern}\` | ${data(r.data)} | ${cell(note)} |`;
    }),
    '',
    '### Clearance: the highest level each role may be served',
    '',
    'A caller some of whose roles passes a route’s role check but none of whose roles is cleared for',
    'what the route serves is refused `403 DATA_LEVEL_FORBIDDEN`. Clearance is an upper bound: which',
    'rows a caller reaches is decided by ownership (patients) and care relationships (staff, SEC-1).',
    '',
    `| role | ${CATEGORY_ORDER.map((c) => CATEGORIES[c].zh).join(' | ')} |`,
    `| --- | ${CATEGORY_ORDER.map(() => '---').join(' | ')} |`,
    ...ROLES.map(
      (role) =>
        `| ${role} | ${CATEGORY_ORDER.map((c) => (CLEARANCE[role][c] ? `L${CLEARANCE[role][c]}` : '—')).join(' | ')} |`,
    ),
    END,
  );
  return lines.join('\n');
}

/** The document with its block replaced (or appended under a heading when it has none yet). */
export function withDataLevels(doc: string): string {
  const block = renderDataLevels();
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start >= 0 && end > start) return doc.slice(0, start) + block + doc.slice(end + END.length);
  return `${doc.replace(/\n*$/, '\n')}\n## Data sensitivity levels (DJ-11, GB/T 39725)\n\n${block}\n`;
}
