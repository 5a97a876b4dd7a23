// Prints the data-level tables (DJ-11) into docs/security.md between its data-levels markers.
import { readFileSync, writeFileSync } from 'node:fs';
import { withDataLevels } from '../src/server/platform/data-levels-doc.js';

const file = new URL('../docs/security.md', import.meta.url);
writeFileSync(file, withDataLevels(readFileSync(file, 'utf8')));
console.log('docs/security.md: data levels written');
