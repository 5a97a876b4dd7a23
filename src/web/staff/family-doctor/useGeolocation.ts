import { useCallback, useState } from 'react';
import type { Position } from '../../../shared/family-doctor.js';

/** Why the browser gave no position: refused by the person, not found, too slow, or no geolocation at all. */
export type GeoFailure = 'denied' | 'unavailable' | 'timeout' | 'unsupported';

export interface Geo {
  position: Position | null;
  failure: GeoFailure | null;
  locating: boolean;
  /** Asks the browser for the current position; resolves with it, or null (the failure is kept). */
  locate(): Promise<Position | null>;
}

const FAILURES: Record<number, GeoFailure> = { 1: 'denied', 2: 'unavailable', 3: 'timeout' };

/** The browser's current position (navigator.geolocation), for check-in, position reports and check-out. */
export function useGeolocation(): Geo {
  const [position, setPosition] = useState<Position | null>(null);
  const [failure, setFailure] = useState<GeoFailure | null>(null);
  const [locating, setLocating] = useState(false);

  const locate = useCallback(
    () =>
      new Promise<Position | null>((resolve) => {
        if (typeof navigator === 'undefined' || !navigator.geolocation) {
          setFailure('unsupported');
          resolve(null);
          return;
        }
        setLocating(true);
        setFailure(null);
        navigator.geolocation.getCurrentPosition(
          (found) => {
            const next: Position = {
              latitude: Number(found.coords.latitude.toFixed(6)),
              longitude: Number(found.coords.longitude.toFixed(6)),
              ...(Number.isFinite(found.coords.accuracy)
                ? { accuracyM: Math.min(100_000, Math.round(found.coords.accuracy)) }
                : {}),
            };
            setPosition(next);
            setLocating(false);
            resolve(next);
          },
          (error) => {
            setFailure(FAILURES[error.code] ?? 'unavailable');
            setLocating(false);
            resolve(null);
          },
          { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
        );
      }),
    [],
  );

  return { position, failure, locating, locate };
}

/** 39.904200, 116.407400 (±20 m). */
export function positionText(p: Position, accuracy: (m: number) => string): string {
  const base = `${p.latitude.toFixed(6)}, ${p.longitude.toFixed(6)}`;
  return p.accuracyM === undefined ? base : `${base} (${accuracy(p.accuracyM)})`;
}
