// A user's traffic against the quota: what the VPN recorded, measured against the account's quota.
import type { components } from '../../generated/types.ts';
import type { Queryable } from '../db/index.ts';
import { trafficOf } from './vpn.store.ts';

export { USED_DATA_OF_ACCOUNT } from './vpn.store.ts';

export type Usage = components['schemas']['Usage'];

/** What the user's sessions recorded, summed (null: no session yet). */
export interface Traffic {
  bytes_in: number | null | undefined;
  bytes_out: number | null | undefined;
}

export async function usageOf(db: Queryable, userId: string, dataQuota: number): Promise<Usage> {
  return usageFrom(await trafficOf(db, userId), dataQuota);
}

/** The totals are clamped to the contract's maximum (2^53-1). */
function totals(traffic: Traffic | undefined) {
  const clamp = (n: number | null | undefined) => Math.min(Number(n ?? 0), Number.MAX_SAFE_INTEGER);
  const totalBytesIn = clamp(traffic?.bytes_in);
  const totalBytesOut = clamp(traffic?.bytes_out);
  return { totalBytesIn, totalBytesOut, usedData: Math.min(totalBytesIn + totalBytesOut, Number.MAX_SAFE_INTEGER) };
}

export function usageFrom(traffic: Traffic | undefined, dataQuota: number): Usage {
  const { totalBytesIn, totalBytesOut, usedData } = totals(traffic);
  return {
    totalBytesIn,
    totalBytesOut,
    usedData,
    dataQuota,
    remainingQuota: Math.max(0, dataQuota - usedData),
    quotaExceeded: usedData >= dataQuota,
  };
}
