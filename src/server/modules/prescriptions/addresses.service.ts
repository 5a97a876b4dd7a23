/**
 * A patient account's delivery addresses (收货地址). The recipient's phone is personal information: stored
 * encrypted (SM4, DJ-23) and shown masked (DJ-10); it is decrypted only for the courier's waybill. An
 * address is never deleted (RX-12: a fulfilment may name it): removing it hides it.
 */
import type { Address, AddressBody } from '../../../shared/prescriptions.js';
import type { Actor } from '../../platform/audit/audit.js';
import type { AuthContext } from '../../platform/auth/access.js';
import { runCommand } from '../../platform/command.js';
import type { AppContext } from '../../platform/context.js';
import { maskPhone } from '../../platform/crypto/mask.js';
import type { Executor } from '../../platform/db/database.js';
import { errors } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { SUBDISTRICTS, subdistrict } from './subdistricts.js';

const MAX_ADDRESSES = 20;

interface AddressRow {
  id: string;
  recipient: string;
  phone_enc: string;
  phone_masked: string;
  subdistrict: string;
  detail: string;
  lat: number;
  lng: number;
  is_default: boolean;
}

const view = (a: AddressRow): Address => ({
  id: a.id,
  recipient: a.recipient,
  phoneMasked: a.phone_masked,
  subdistrict: a.subdistrict,
  subdistrictName: subdistrict(a.subdistrict)?.name ?? a.subdistrict,
  detail: a.detail,
  isDefault: a.is_default,
});

async function liveAddresses(db: Executor, accountId: string): Promise<AddressRow[]> {
  return db
    .selectFrom('delivery_address')
    .select([
      'id',
      'recipient',
      'phone_enc',
      'phone_masked',
      'subdistrict',
      'detail',
      'lat',
      'lng',
      'is_default',
    ])
    .where('account_id', '=', accountId)
    .where('removed_at', 'is', null)
    .orderBy('is_default', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

export const subdistrictList = () => ({
  items: SUBDISTRICTS.map((s) => ({ code: s.code, name: s.name, nameEn: s.nameEn })),
});

export async function listAddresses(ctx: AppContext, auth: AuthContext): Promise<{ items: Address[] }> {
  return { items: (await liveAddresses(ctx.db, auth.accountId)).map(view) };
}

/** Adds an address; the first one, or one marked default, becomes the default. */
export async function addAddress(
  ctx: AppContext,
  auth: AuthContext,
  body: AddressBody,
  actor: Actor,
): Promise<Address> {
  const place = subdistrict(body.subdistrict);
  if (!place)
    throw errors.validationFailed('body.subdistrict：未知的街道编码', {
      fields: [{ field: 'body.subdistrict', message: '请从街道列表中选择', keyword: 'enum' }],
    });
  return runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const existing = await liveAddresses(trx, auth.accountId);
    if (existing.length >= MAX_ADDRESSES)
      throw errors.validationFailed(`最多保存 ${MAX_ADDRESSES} 个收货地址`, {
        fields: [{ field: 'body', message: '请先删除不用的地址', keyword: 'maxItems' }],
      });
    const isDefault = body.isDefault === true || existing.length === 0;
    if (isDefault)
      await trx
        .updateTable('delivery_address')
        .set({ is_default: false })
        .where('account_id', '=', auth.accountId)
        .where('is_default', '=', true)
        .execute();
    const row: AddressRow = {
      id: newId(),
      recipient: body.recipient.trim(),
      phone_enc: ctx.cipher.encrypt(body.phone),
      phone_masked: maskPhone(body.phone),
      subdistrict: place.code,
      detail: body.detail.trim(),
      lat: place.lat,
      lng: place.lng,
      is_default: isDefault,
    };
    await trx
      .insertInto('delivery_address')
      .values({ ...row, account_id: auth.accountId, created_at: now })
      .execute();
    await cmd.audit({
      action: 'address.create',
      resourceType: 'delivery_address',
      resourceId: row.id,
      details: { subdistrict: place.code, phone: row.phone_masked, isDefault },
    });
    return view(row);
  });
}

/** Hides an address (kept for the fulfilments that name it, RX-12); the newest other one becomes default. */
export async function removeAddress(
  ctx: AppContext,
  auth: AuthContext,
  addressId: string,
  actor: Actor,
): Promise<void> {
  await runCommand(ctx, actor, async (cmd) => {
    const { trx, now } = cmd;
    const removed = await trx
      .updateTable('delivery_address')
      .set({ removed_at: now, is_default: false })
      .where('id', '=', addressId)
      .where('account_id', '=', auth.accountId)
      .where('removed_at', 'is', null)
      .returning('is_default')
      .executeTakeFirst();
    if (!removed) throw errors.notFound('收货地址');
    const rest = await liveAddresses(trx, auth.accountId);
    if (rest.length > 0 && !rest.some((a) => a.is_default))
      await trx
        .updateTable('delivery_address')
        .set({ is_default: true })
        .where('id', '=', rest[0]!.id)
        .execute();
    await cmd.audit({ action: 'address.remove', resourceType: 'delivery_address', resourceId: addressId });
  });
}

/** An address as a fulfilment keeps it (a snapshot: later edits never change where a parcel went). */
export interface AddressSnapshot {
  addressId: string;
  recipient: string;
  phoneEnc: string;
  phoneMasked: string;
  subdistrict: string;
  subdistrictName: string;
  detail: string;
  lat: number;
  lng: number;
}

/** The account's address by id, or its default one (undefined when it has none, or not that one). */
export async function addressOf(
  db: Executor,
  accountId: string,
  addressId?: string,
): Promise<AddressSnapshot | undefined> {
  const rows = await liveAddresses(db, accountId);
  const a = addressId ? rows.find((r) => r.id === addressId) : rows[0];
  if (!a) return undefined;
  return {
    addressId: a.id,
    recipient: a.recipient,
    phoneEnc: a.phone_enc,
    phoneMasked: a.phone_masked,
    subdistrict: a.subdistrict,
    subdistrictName: subdistrict(a.subdistrict)?.name ?? a.subdistrict,
    detail: a.detail,
    lat: a.lat,
    lng: a.lng,
  };
}
