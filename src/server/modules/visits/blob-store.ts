/**
 * Where attachment bytes live: local disk by default, S3-compatible object storage when configured
 * (YUNYI_S3_ENDPOINT …). Keys are opaque; access control is the visit module's, never the store's.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AwsClient } from 'aws4fetch';
import type { S3Settings } from '../../platform/config.js';

export interface BlobStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer | null>;
}

export class LocalDiskStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    if (!/^[a-z0-9/-]+(\.[a-z0-9]+)?$/.test(key)) throw new Error(`bad blob key ${key}`);
    return path.join(this.dir, key);
  }

  async put(key: string, bytes: Buffer, _contentType?: string): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Written to a temporary name and renamed: a crash never leaves half a file under the real key.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    const { rename } = await import('node:fs/promises');
    await rename(tmp, file);
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.file(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}

/** S3-compatible storage (MinIO, OSS/COS S3 endpoints) with SigV4-signed requests, path-style URLs. */
export class S3Store implements BlobStore {
  private readonly client: AwsClient;

  constructor(private readonly s3: S3Settings) {
    this.client = new AwsClient({
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      region: s3.region,
      service: 's3',
    });
  }

  private url(key: string): string {
    return `${this.s3.endpoint.replace(/\/$/, '')}/${this.s3.bucket}/${key}`;
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    const res = await this.client.fetch(this.url(key), {
      method: 'PUT',
      body: new Uint8Array(bytes),
      headers: { 'content-type': contentType },
    });
    if (!res.ok) throw new Error(`S3 PUT ${key} answered ${res.status}`);
  }

  async get(key: string): Promise<Buffer | null> {
    const res = await this.client.fetch(this.url(key), { method: 'GET' });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`S3 GET ${key} answered ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }
}
