import { uuidv7 } from 'uuidv7';

/** Ids are UUIDv7: time-ordered, so indexes stay append-mostly. */
export function newId(): string {
  return uuidv7();
}
