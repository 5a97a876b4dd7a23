/**
 * Who the simulated insurance platform knows: the demo region's residents as the bureau would have them
 * (scheme, insuring region, personal-account balance, this year's spend), and a rule that makes up anyone
 * else deterministically from their ID number on first use (tests, benches, new sign-ups). The platform
 * keeps an SM3 hash of the ID number, never the number.
 */
import { sm3Hex } from '../../../platform/crypto/hash.js';

/** The simulator's key for a person: SM3 of the ID number (upper-case X), salted with its own name. */
export function simIdHash(idNumber: string): string {
  return sm3Hex(`inssim:${idNumber.trim().toUpperCase()}`);
}

export interface SimPersonSeed {
  scheme: 'employee' | 'resident';
  insuringRegion: string;
  insuringRegionName: string;
  balanceFen: number;
  ytdTotalFen: number;
  ytdDeductibleFen: number;
  ytdFundFen: number;
  deathDate: string | null;
}

/** The demo residents, by ID number (the demo region is 云川区, code 530102). */
export const DEMO_INSURED: Record<string, SimPersonSeed> = {
  // 张伟: employee, nothing spent this year.
  '11010119780315031X': {
    scheme: 'employee',
    insuringRegion: '530102',
    insuringRegionName: '云川区',
    balanceFen: 150_000,
    ytdTotalFen: 0,
    ytdDeductibleFen: 0,
    ytdFundFen: 0,
    deathDate: null,
  },
  // 李娜 and her son: residents (城乡居民), no personal account.
  '11010119900608024X': {
    scheme: 'resident',
    insuringRegion: '530102',
    insuringRegionName: '云川区',
    balanceFen: 0,
    ytdTotalFen: 0,
    ytdDeductibleFen: 0,
    ytdFundFen: 0,
    deathDate: null,
  },
  '110101201905200153': {
    scheme: 'resident',
    insuringRegion: '530102',
    insuringRegionName: '云川区',
    balanceFen: 0,
    ytdTotalFen: 0,
    ytdDeductibleFen: 0,
    ytdFundFen: 0,
    deathDate: null,
  },
  // 王秀英: a retired employee with diabetes; this year's deductible already met at the tertiary level
  // (300 yuan), so her online follow-ups show the fund's share at once.
  '110101195408160463': {
    scheme: 'employee',
    insuringRegion: '530102',
    insuringRegionName: '云川区',
    balanceFen: 3_000,
    ytdTotalFen: 186_000,
    ytdDeductibleFen: 30_000,
    ytdFundFen: 97_300,
    deathDate: null,
  },
};

/**
 * Anyone else: employee or resident by the hash (about 60 % employees), insured in the demo region, an
 * employee's balance between 200 and 2 200 yuan; nothing spent this year.
 */
export function madeUpPerson(idNumber: string): SimPersonSeed {
  const h = simIdHash(idNumber);
  const n = Number.parseInt(h.slice(0, 8), 16);
  const employee = n % 10 < 6;
  return {
    scheme: employee ? 'employee' : 'resident',
    insuringRegion: '530102',
    insuringRegionName: '云川区',
    balanceFen: employee ? 20_000 + (n % 2001) * 100 : 0,
    ytdTotalFen: 0,
    ytdDeductibleFen: 0,
    ytdFundFen: 0,
    deathDate: null,
  };
}
