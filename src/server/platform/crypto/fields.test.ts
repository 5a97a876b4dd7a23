import { describe, expect, it } from 'vitest';
import { FieldCipher } from './fields.js';
import { maskIdNumber, maskPhone } from './mask.js';

const k1 = Buffer.alloc(16, 1);
const k2 = Buffer.alloc(16, 2);
const index = Buffer.alloc(32, 9);

describe('field encryption (DJ-23, DJ-25)', () => {
  it('round-trips and never repeats a ciphertext', () => {
    const c = new FieldCipher({ k1 }, 'k1', index);
    const a = c.encrypt('13800000001');
    expect(a).not.toBe(c.encrypt('13800000001'));
    expect(c.decrypt(a)).toBe('13800000001');
  });

  it('rotates keys: old ciphertexts stay readable, new ones use the new key', () => {
    const old = new FieldCipher({ k1 }, 'k1', index).encrypt('110101194912310029');
    const rotated = new FieldCipher({ k1, k2 }, 'k2', index);
    expect(rotated.decrypt(old)).toBe('110101194912310029');
    expect(rotated.encrypt('x').split('.')[1]).toBe('k2');
  });

  it('the blind index is keyed and separates kinds', () => {
    const c = new FieldCipher({ k1 }, 'k1', index);
    const other = new FieldCipher({ k1 }, 'k1', Buffer.alloc(32, 8));
    expect(c.blindIndex('phone', '13800000001')).toBe(c.blindIndex('phone', '13800000001'));
    expect(c.blindIndex('phone', '13800000001')).not.toBe(other.blindIndex('phone', '13800000001'));
    expect(c.blindIndex('phone', '1')).not.toBe(c.blindIndex('id_number', '1'));
  });
});

describe('masking (DJ-10)', () => {
  it('masks as the product shows them', () => {
    expect(maskPhone('13800000001')).toBe('138****0001');
    expect(maskIdNumber('110101199001011234')).toBe('1101**********1234');
  });
});
