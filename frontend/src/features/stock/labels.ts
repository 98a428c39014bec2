/** Labels of the giving enums these staff screens show, [zh-Hans, English], typed on the generated enums. */
import type {
  DonationChannel,
  DonationStatus,
  GivingGoodsCategory,
  GoodsCondition,
  GoodsDonationStatus,
  StockMovementKind,
} from '../../gql/graphql';

type Labels<E extends string> = Record<E, readonly [string, string]>;

export const GIVING_GOODS_CATEGORY: Labels<GivingGoodsCategory> = {
  clothes_bedding: ['衣物被褥', 'Clothes & bedding'],
  food_grain_oil: ['粮油食品', 'Food, grain & oil'],
  appliances: ['家电', 'Appliances'],
  assistive_devices: ['辅具', 'Assistive devices'],
  stationery: ['文具', 'Stationery'],
  personal_care: ['个人护理', 'Personal care'],
  household: ['日用品', 'Household goods'],
};

export const GOODS_CONDITION: Labels<GoodsCondition> = {
  new: ['全新', 'New'],
  like_new: ['几乎全新', 'Like new'],
  used_good: ['八成新以上', 'Used, good'],
};

export const PLEDGE_STATUS: Labels<GoodsDonationStatus> = {
  pledged: ['待送达', 'Awaiting drop-off'],
  received: ['已入库', 'Received'],
  canceled: ['已取消', 'Canceled'],
};

export const MOVEMENT_KIND: Labels<StockMovementKind> = {
  received: ['入库', 'Received'],
  reserved: ['预留', 'Reserved'],
  released: ['释放预留', 'Released'],
  dispatched: ['发放', 'Dispatched'],
  delivered: ['送达', 'Delivered'],
  written_off: ['报损', 'Written off'],
};

export const DONATION_CHANNEL: Labels<DonationChannel> = {
  online: ['在线', 'Online'],
  cash: ['现金', 'Cash'],
  bank_transfer: ['银行转账', 'Bank transfer'],
};

export const DONATION_STATUS: Labels<DonationStatus> = {
  pending: ['待确认', 'Pending'],
  succeeded: ['已到账', 'Received'],
  failed: ['失败', 'Failed'],
  canceled: ['已取消', 'Canceled'],
};

/** A fresh idempotency key for one submit of a form (a retry of the same submit reuses it). */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c?.randomUUID) return c.randomUUID();
  return `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
