// Writes docs/errors.md from the error catalogues (src/server/**/*.errors.ts and platform/errors.ts).
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/server/platform/errors-doc.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), await renderErrorsDoc());
console.log('docs/errors.md written');
