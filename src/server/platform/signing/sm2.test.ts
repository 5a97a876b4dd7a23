/**
 * SEC-4 interoperability of the SM2 primitive: our signatures are checked by implementations that are
 * not ours — `sm-crypto` (jsbn arithmetic, its own SM3) and, where the machine has it, the OpenSSL
 * command line (`-pkeyopt distid:`) — under the GM/T 0009 default signer id, and theirs by ours.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sm2 as reference } from 'sm-crypto';
import { describe, expect, it } from 'vitest';
import {
  generateSm2KeyPair,
  SM2_DEFAULT_ID,
  SM2_LEGACY_EMPTY_ID,
  sm2PublicKeyHex,
  sm2Sign,
  sm2VerifiedId,
  sm2Verify,
} from './sm2.js';

const MESSAGE = '{"diagnosis":"特发性（原发性）高血压","icd10":"I10","signedAt":"2026-11-22T02:00:00.000Z"}';
const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];
const b64ToHex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');
const hexToB64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** The key's raw scalar and point as sm-crypto wants them (parsed here independently of sm2.ts). */
function rawKeys(privatePem: string) {
  const pkcs8 = createPrivateKey(privatePem).export({ type: 'pkcs8', format: 'der' });
  // PKCS#8 of an EC key: … OCTET STRING { SEQUENCE { INTEGER 1, OCTET STRING d(32) … } }; `020101 0420` precedes d.
  const at = pkcs8.indexOf(Buffer.from('0201010420', 'hex'));
  const spki = createPublicKey(privatePem).export({ type: 'spki', format: 'der' });
  return {
    d: pkcs8.subarray(at + 5, at + 37).toString('hex'),
    point: spki.subarray(spki.length - 65).toString('hex'),
  };
}

describe('SM2 signatures carry the GM/T 0009 default signer id (SEC-4)', () => {
  const keys = generateSm2KeyPair();
  const raw = rawKeys(keys.privatePem);

  it('reads the public point the independent library derives from the private key', () => {
    expect(sm2PublicKeyHex(keys.publicPem)).toBe(raw.point);
  });

  it('sm-crypto verifies our signature under 1234567812345678, and not under the empty id', () => {
    const sig = sm2Sign(MESSAGE, keys.privatePem);
    const opts = (userId: string) => ({ der: true, hash: true, userId });
    expect(
      reference.doVerifySignature(utf8(MESSAGE), b64ToHex(sig), raw.point, opts('1234567812345678')),
    ).toBe(true);
    expect(reference.doVerifySignature(utf8(MESSAGE), b64ToHex(sig), raw.point, opts(''))).toBe(false);
    // …and a changed message does not verify.
    expect(
      reference.doVerifySignature(utf8(`${MESSAGE} `), b64ToHex(sig), raw.point, opts('1234567812345678')),
    ).toBe(false);
  });

  it('we verify a signature sm-crypto made under the default id, and name the id', () => {
    const theirs = hexToB64(
      reference.doSignature(utf8(MESSAGE), raw.d, { der: true, hash: true, publicKey: raw.point }),
    );
    expect(sm2Verify(MESSAGE, theirs, keys.publicPem)).toBe(true);
    expect(sm2Verify(MESSAGE, theirs, keys.publicPem, SM2_LEGACY_EMPTY_ID)).toBe(false);
    expect(sm2VerifiedId(MESSAGE, theirs, keys.publicPem)).toBe(SM2_DEFAULT_ID);
    expect(sm2Verify('{"diagnosis":"changed"}', theirs, keys.publicPem)).toBe(false);
  });

  it('a legacy empty-id signature is found as such, and only when no id is named', () => {
    const legacy = hexToB64(
      reference.doSignature(utf8(MESSAGE), raw.d, {
        der: true,
        hash: true,
        publicKey: raw.point,
        userId: '',
      }),
    );
    expect(sm2Verify(MESSAGE, legacy, keys.publicPem)).toBe(false);
    expect(sm2VerifiedId(MESSAGE, legacy, keys.publicPem)).toBe(SM2_LEGACY_EMPTY_ID);
    expect(sm2VerifiedId(MESSAGE, legacy, keys.publicPem, SM2_DEFAULT_ID)).toBeNull();
  });

  it("documents Node's own crypto: it cannot be told the id, and OpenSSL 3 hashes an empty one", () => {
    // Why sm2.ts does not sign with crypto.sign: a `distid` option is ignored, and the id is OpenSSL's
    // default — empty before OpenSSL 4, `1234567812345678` from 4 on (EVP_SIGNATURE-SM2(7)).
    const pemKey = createPrivateKey(keys.privatePem);
    const nodeSig = sign('sm3', Buffer.from(MESSAGE), {
      key: pemKey,
      distid: SM2_DEFAULT_ID,
    } as Parameters<typeof sign>[2]).toString('base64');
    const opensslMajor = Number(process.versions.openssl.split('.')[0]);
    expect(sm2VerifiedId(MESSAGE, nodeSig, keys.publicPem)).toBe(
      opensslMajor >= 4 ? SM2_DEFAULT_ID : SM2_LEGACY_EMPTY_ID,
    );
    // A key object straight from generateKeyPairSync is an EC key to OpenSSL: that signature is ECDSA.
    const ecKeys = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const ecdsa = sign('sm3', Buffer.from(MESSAGE), ecKeys.privateKey).toString('base64');
    const ecPublic = ecKeys.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(sm2VerifiedId(MESSAGE, ecdsa, ecPublic)).toBeNull();
  });

  it('refuses malformed signature encodings and values outside [1, n-1]', () => {
    const der = Buffer.from(sm2Sign(MESSAGE, keys.privatePem), 'base64');
    expect(sm2Verify(MESSAGE, der.toString('base64'), keys.publicPem)).toBe(true);
    const trailing = Buffer.concat([der, Buffer.from([0])]);
    expect(sm2Verify(MESSAGE, trailing.toString('base64'), keys.publicPem)).toBe(false);
    // s + n: the same point arithmetic, but not a valid SM2 signature value (GB/T 32918.2 §7.1 B2).
    const r = der.subarray(4, 4 + der[3]!);
    const sTlv = der.subarray(4 + der[3]!);
    const s = BigInt(`0x${sTlv.subarray(2).toString('hex')}`);
    const n = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');
    let big = (s + n).toString(16);
    if (big.length % 2) big = `0${big}`;
    if (Number.parseInt(big.slice(0, 2), 16) & 0x80) big = `00${big}`;
    const bigS = Buffer.from(big, 'hex');
    const body = Buffer.concat([Buffer.from([0x02, r.length]), r, Buffer.from([0x02, bigS.length]), bigS]);
    const malleated = Buffer.concat([Buffer.from([0x30, body.length]), body]);
    expect(sm2Verify(MESSAGE, malleated.toString('base64'), keys.publicPem)).toBe(false);
    expect(sm2Verify(MESSAGE, 'not base64 DER', keys.publicPem)).toBe(false);
  });

  it('refuses keys that are not on the SM2 curve', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = p256.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(() => sm2Sign(MESSAGE, pem)).toThrow(/SM2/);
    const sig = sm2Sign(MESSAGE, keys.privatePem);
    expect(sm2Verify(MESSAGE, sig, p256.publicKey.export({ type: 'spki', format: 'pem' }) as string)).toBe(
      false,
    );
  });

  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  it.runIf(openssl.status === 0 && /OpenSSL 3/.test(openssl.stdout))(
    'the OpenSSL command line (distid:1234567812345678) verifies ours, and we verify its',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'yunyi-sm2-'));
      const f = (name: string) => path.join(dir, name);
      writeFileSync(f('msg'), MESSAGE);
      writeFileSync(f('pub.pem'), keys.publicPem);
      writeFileSync(f('key.pem'), keys.privatePem);
      writeFileSync(f('ours.sig'), Buffer.from(sm2Sign(MESSAGE, keys.privatePem), 'base64'));
      const run = (...args: string[]) =>
        spawnSync('openssl', ['pkeyutl', '-rawin', '-digest', 'sm3', '-in', f('msg'), ...args], {
          encoding: 'utf8',
        });
      const withId = ['-pkeyopt', `distid:${SM2_DEFAULT_ID}`];
      const verify = (sig: string, ...extra: string[]) =>
        run('-verify', '-pubin', '-inkey', f('pub.pem'), '-sigfile', f(sig), ...extra);
      expect(verify('ours.sig', ...withId).stdout).toContain('Signature Verified Successfully');
      expect(verify('ours.sig').status).not.toBe(0); // OpenSSL 3's own default is the empty id
      const signed = run('-sign', '-inkey', f('key.pem'), '-out', f('theirs.sig'), ...withId);
      expect(signed.status, signed.stderr).toBe(0);
      const theirs = readFileSync(f('theirs.sig')).toString('base64');
      expect(sm2VerifiedId(MESSAGE, theirs, keys.publicPem)).toBe(SM2_DEFAULT_ID);
    },
  );
});
