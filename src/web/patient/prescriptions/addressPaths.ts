/** Where the address form returns to, with the address just added. */

/** Where an address form may send the patient back to: a page of the patient H5 (a router path), nothing else. */
export function safeReturn(value: string | null, fallback: string): string {
  return value?.startsWith('/patient/') ? value : fallback;
}

/** A return path with `addressId` set (the address just added). */
export function withAddress(path: string, addressId: string): string {
  const [base = '', query = ''] = path.split('?');
  const params = new URLSearchParams(query);
  params.set('addressId', addressId);
  return `${base}?${params.toString()}`;
}
