/**
 * SM2 signatures with SM3 (GB/T 32918.2, GB/T 32905) and an explicit signer distinguishing id (SEC-4).
 *
 * SM2 signs e = SM3(Z ‖ M), where Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) binds the signer's id
 * and public key. GM/T 0009 (GB/T 35276) fixes the id to `1234567812345678` unless the parties agree on
 * another; standard verifiers (CAs' signing services, GmSSL, OpenSSL with `distid:`) assume it.
 *
 * Node's crypto cannot be told the id: `crypto.sign('sm3', …)` with an SM2 key read from PEM hashes with
 * OpenSSL's default (empty on OpenSSL 3, `1234567812345678` from OpenSSL 4 on), ignores any `distid`
 * option, has no sign-the-digest primitive for EC keys, and signs ECDSA (not SM2) with a key object
 * straight from `generateKeyPairSync`. So the SM2 arithmetic is `sm-crypto-v2` (on @noble/curves),
 * called with the id every time; Node still generates the keys and stores them as PKCS#8/SPKI PEM.
 */
import { createECDH, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';

/** The default signer id of GM/T 0009-2012 §10 / GB/T 35276-2017: what every new signature uses. */
export const SM2_DEFAULT_ID = '1234567812345678';
/** What Node (OpenSSL 3) hashed into Z before the id was explicit: verified only as legacy. */
export const SM2_LEGACY_EMPTY_ID = '';

/** The order n of the SM2 recommended curve (GB/T 32918.5): r and s must lie in [1, n-1]. */
const SM2_N = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');
const ID_EC_PUBLIC_KEY = '2a8648ce3d0201'; // 1.2.840.10045.2.1
const ID_SM2_CURVE = '2a811ccf5501822d'; // 1.2.156.10197.1.301 (sm2p256v1)

export interface Sm2KeyPair {
  privatePem: string;
  publicPem: string;
}

/** A fresh SM2 key pair as PKCS#8 / SPKI PEM (the format stored in signing_key and signing_ca). */
export function generateSm2KeyPair(): Sm2KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

// --- DER, just enough for SM2 keys and signatures -------------------------------------------------

interface Tlv {
  tag: number;
  value: Buffer;
  end: number;
}

function readTlv(buf: Buffer, at: number): Tlv {
  if (at + 2 > buf.length) throw new Error('DER: truncated');
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 2 || start + n > buf.length) throw new Error('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | buf[start + i]!;
    if (len < 0x80 || (n === 2 && len < 0x100)) throw new Error('DER: length not minimal');
    start += n;
  }
  if (start + len > buf.length) throw new Error('DER: truncated');
  return { tag, value: buf.subarray(start, start + len), end: start + len };
}

function children(seq: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < seq.length; ) {
    const t = readTlv(seq, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

function expectSm2Algorithm(alg: Tlv) {
  const [oid, curve] = alg.tag === 0x30 ? children(alg.value) : [];
  if (oid?.value.toString('hex') !== ID_EC_PUBLIC_KEY || curve?.value.toString('hex') !== ID_SM2_CURVE)
    throw new Error('not an SM2 (sm2p256v1) key');
}

/** The uncompressed public point (hex `04‖x‖y`) of an SM2 key: an SPKI PEM, or the PKCS#8 PEM it belongs to. */
export function sm2PublicKeyHex(publicPem: string): string {
  const der = createPublicKey(publicPem).export({ type: 'spki', format: 'der' });
  const spki = readTlv(der, 0);
  const [alg, bits] = children(spki.value);
  if (!alg || !bits || bits.tag !== 0x03) throw new Error('not an SPKI public key');
  expectSm2Algorithm(alg);
  const point = bits.value.subarray(1);
  if (bits.value[0] !== 0 || point.length !== 65 || point[0] !== 0x04)
    throw new Error('SM2 public key is not an uncompressed point');
  return point.toString('hex');
}

/**
 * The private scalar d (hex) of a PKCS#8 PEM on the SM2 curve. (Exporting such a key as `sec1` aborts
 * Node 20's process, so the PKCS#8 DER is read here.)
 */
function sm2PrivateScalarHex(privatePem: string): string {
  const der = createPrivateKey(privatePem).export({ type: 'pkcs8', format: 'der' });
  const [version, alg, octets] = children(readTlv(der, 0).value);
  if (version?.tag !== 0x02 || !alg || octets?.tag !== 0x04) throw new Error('not a PKCS#8 private key');
  expectSm2Algorithm(alg);
  const [ecVersion, d] = children(readTlv(octets.value, 0).value);
  if (ecVersion?.tag !== 0x02 || d?.tag !== 0x04 || d.value.length !== 32)
    throw new Error('not an SM2 private key');
  return d.value.toString('hex');
}

function idHexLengthOk(id: string) {
  // ENTL is the id's length in bits in two bytes (GB/T 32918.2 §5.5).
  if (Buffer.byteLength(id, 'utf8') * 8 > 0xffff) throw new Error('SM2 signer id too long');
}

function derInteger(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  const v = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from([0x02, v.length]), v]);
}

/** SM2 signature value as GB/T 35276 §7 has it: DER SEQUENCE { r INTEGER, s INTEGER }. */
function encodeSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** Strict DER decoding with r, s in [1, n-1] (GB/T 32918.2 §7.1 B1–B2); null when malformed. */
function decodeSignature(sig: Buffer): { r: bigint; s: bigint } | null {
  try {
    const seq = readTlv(sig, 0);
    if (seq.tag !== 0x30 || seq.end !== sig.length) return null;
    const ints = children(seq.value);
    if (ints.length !== 2) return null;
    const [r, s] = ints.map((t) => {
      const v = t.value;
      if (t.tag !== 0x02 || v.length === 0 || v[0]! & 0x80) throw new Error('not a positive INTEGER');
      if (v.length > 1 && v[0] === 0 && !(v[1]! & 0x80)) throw new Error('INTEGER not minimal');
      return BigInt(`0x${v.toString('hex')}`);
    }) as [bigint, bigint];
    if (r < 1n || r >= SM2_N || s < 1n || s >= SM2_N) return null;
    return { r, s };
  } catch {
    return null;
  }
}

const hex64 = (n: bigint) => n.toString(16).padStart(64, '0');

/**
 * The per-signature random k and the x of kG (GB/T 32918.2 §6.1 A3–A4), from OpenSSL's key generation
 * on the SM2 curve: several times faster than the library's scalar multiplication in JavaScript, which
 * would hold the event loop for each signature. Should r or s come out degenerate, the library draws
 * another k itself.
 */
function ephemeralPoint(): { k: bigint; x1: bigint } {
  const ecdh = createECDH('SM2');
  ecdh.generateKeys();
  return {
    k: BigInt(`0x${ecdh.getPrivateKey('hex')}`),
    x1: BigInt(`0x${ecdh.getPublicKey('hex').slice(2, 66)}`),
  };
}

/**
 * Signs `message` (text as UTF-8, or bytes) with SM2/SM3 under the signer id `id`; returns the DER
 * signature in base64.
 */
export function sm2Sign(message: string | Uint8Array, privatePem: string, id = SM2_DEFAULT_ID): string {
  idHexLengthOk(id);
  const d = sm2PrivateScalarHex(privatePem);
  const publicKey = sm2PublicKeyHex(privatePem);
  const raw = sm2.doSignature(bytes(message), d, {
    hash: true,
    der: false,
    publicKey,
    userId: id,
    pointPool: [ephemeralPoint()],
  });
  return encodeSignature(BigInt(`0x${raw.slice(0, 64)}`), BigInt(`0x${raw.slice(64)}`)).toString('base64');
}

/** Verifies an SM2/SM3 signature (base64 DER) made under the signer id `id`; false on any malformation. */
export function sm2Verify(
  message: string | Uint8Array,
  signatureB64: string,
  publicPem: string,
  id = SM2_DEFAULT_ID,
): boolean {
  try {
    idHexLengthOk(id);
    const rs = decodeSignature(Buffer.from(signatureB64, 'base64'));
    if (!rs) return false;
    return sm2.doVerifySignature(bytes(message), hex64(rs.r) + hex64(rs.s), sm2PublicKeyHex(publicPem), {
      hash: true,
      der: false,
      userId: id,
    });
  } catch {
    return false;
  }
}

/**
 * Which signer id a signature verifies under: `id` when one is named (and only it), else the standard
 * default, else the legacy empty id. Null when none.
 */
export function sm2VerifiedId(
  message: string | Uint8Array,
  signatureB64: string,
  publicPem: string,
  id?: string,
): string | null {
  const candidates = id === undefined ? [SM2_DEFAULT_ID, SM2_LEGACY_EMPTY_ID] : [id];
  return candidates.find((c) => sm2Verify(message, signatureB64, publicPem, c)) ?? null;
}

function bytes(message: string | Uint8Array): Uint8Array {
  return typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
}
