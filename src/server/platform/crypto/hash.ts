import { createHash, randomBytes } from 'node:crypto';

export function sm3Hex(data: string | Buffer): string {
  return createHash('sm3').update(data).digest('hex');
}

/** A random opaque token (session tokens): 32 bytes, base64url. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
