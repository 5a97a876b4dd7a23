import type { Journey } from './journey.js';

export const journeys: Journey[] = [];
