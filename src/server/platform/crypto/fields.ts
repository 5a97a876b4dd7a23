import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Field encryption of personal information at rest (DJ-23, DJ-25): SM4-CBC with a random IV and an
 * HMAC-SM3 tag over key id, IV and ciphertext (encrypt-then-MAC; this OpenSSL has no SM4-GCM).
 * Stored form: `v1.<keyId>.<iv b64url>.<ciphertext b64url>.<tag b64url>` — the key id rides with the
 * ciphertext so keys rotate without downtime.
 */
export class FieldCipher {
  private readonly keys: Map<string, { enc: Buffer; mac: Buffer }>;

  constructor(
    keys: Record<string, Buffer>,
    private readonly currentKeyId: string,
    private readonly indexKey: Buffer,
  ) {
    this.keys = new Map(
      Object.entries(keys).map(([id, key]) => [
        id,
        // One purpose per key (DJ-25): the MAC key is derived, never the SM4 key itself.
        { enc: key, mac: createHmac('sm3', key).update('yunyi:field-mac').digest() },
      ]),
    );
    if (!this.keys.has(currentKeyId)) throw new Error(`field key ${currentKeyId} not configured`);
  }

  encrypt(plain: string): string {
    const key = this.keys.get(this.currentKeyId)!;
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-cbc', key.enc, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = this.tag(key.mac, this.currentKeyId, iv, ct);
    return [
      'v1',
      this.currentKeyId,
      iv.toString('base64url'),
      ct.toString('base64url'),
      tag.toString('base64url'),
    ].join('.');
  }

  decrypt(stored: string): string {
    const [version, keyId, ivText, ctText, tagText] = stored.split('.');
    const key = keyId ? this.keys.get(keyId) : undefined;
    if (version !== 'v1' || !key || !ivText || !ctText || !tagText)
      throw new Error('unreadable encrypted field');
    const iv = Buffer.from(ivText, 'base64url');
    const ct = Buffer.from(ctText, 'base64url');
    const expected = this.tag(key.mac, keyId!, iv, ct);
    const tag = Buffer.from(tagText, 'base64url');
    if (tag.length !== expected.length || !timingSafeEqual(tag, expected))
      throw new Error('encrypted field was altered');
    const decipher = createDecipheriv('sm4-cbc', key.enc, iv);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
  }

  /** Keyed blind index (HMAC-SM3) for equality look-up of an encrypted value. */
  blindIndex(kind: 'phone' | 'id_number', value: string): string {
    return createHmac('sm3', this.indexKey).update(`${kind}:${value}`).digest('hex');
  }

  private tag(mac: Buffer, keyId: string, iv: Buffer, ct: Buffer): Buffer {
    return createHmac('sm3', mac).update(keyId).update(iv).update(ct).digest();
  }
}
