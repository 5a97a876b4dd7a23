/**
 * The 街道 (subdistricts) of the fictional 云川区, with the point a delivery address in each is placed at
 * (its centroid; the platform does not geocode street addresses). Distances to pharmacies are measured
 * from these points. Every name and coordinate is invented.
 */
export interface SubdistrictSeed {
  code: string;
  name: string;
  nameEn: string;
  lat: number;
  lng: number;
}

export const SUBDISTRICTS: readonly SubdistrictSeed[] = [
  { code: 'wangchuan', name: '望川街道', nameEn: 'Wangchuan Subdistrict', lat: 30.062, lng: 119.948 },
  { code: 'yunhu', name: '云湖街道', nameEn: 'Yunhu Subdistrict', lat: 30.045, lng: 119.972 },
  { code: 'qingshi', name: '青石街道', nameEn: 'Qingshi Subdistrict', lat: 30.078, lng: 119.965 },
  { code: 'liuwan', name: '柳湾街道', nameEn: 'Liuwan Subdistrict', lat: 30.033, lng: 119.935 },
  { code: 'fenglin', name: '枫林街道', nameEn: 'Fenglin Subdistrict', lat: 30.085, lng: 119.93 },
  { code: 'xingtan', name: '杏坛街道', nameEn: 'Xingtan Subdistrict', lat: 30.052, lng: 119.915 },
  { code: 'yunlan', name: '云澜街道', nameEn: 'Yunlan Subdistrict', lat: 30.07, lng: 119.985 },
  { code: 'binhe', name: '滨河街道', nameEn: 'Binhe Subdistrict', lat: 30.025, lng: 119.96 },
  { code: 'wutong', name: '梧桐街道', nameEn: 'Wutong Subdistrict', lat: 30.095, lng: 119.95 },
];

const BY_CODE = new Map(SUBDISTRICTS.map((s) => [s.code, s]));

export const subdistrict = (code: string): SubdistrictSeed | undefined => BY_CODE.get(code);

/** Great-circle distance in metres (haversine; plenty for a district a few kilometres across). */
export function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return Math.round(2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h))));
}
