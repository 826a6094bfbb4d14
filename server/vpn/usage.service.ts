// A user's traffic against the quota: what the VPN recorded, measured against the account's quota.
import type { components } from '../../generated/types.ts';
import type { Queryable } from '../db/index.ts';
import { trafficOf } from './vpn.store.ts';

export type Usage = components['schemas']['Usage'];

/** The totals are clamped to the contract's maximum (2^53-1). */
export async function usageOf(db: Queryable, userId: string, dataQuota: number): Promise<Usage> {
  const row = await trafficOf(db, userId);
  const clamp = (n: number | null | undefined) => Math.min(Number(n ?? 0), Number.MAX_SAFE_INTEGER);
  const totalBytesIn = clamp(row?.bytes_in);
  const totalBytesOut = clamp(row?.bytes_out);
  const usedData = Math.min(totalBytesIn + totalBytesOut, Number.MAX_SAFE_INTEGER);
  return {
    totalBytesIn,
    totalBytesOut,
    usedData,
    dataQuota,
    remainingQuota: Math.max(0, dataQuota - usedData),
    quotaExceeded: usedData >= dataQuota,
  };
}
