/** The give page's pure parts: amounts in yuan → integer fen, and the variables of each mutation. */
import type { GivingNeedCategory } from '../../gql/graphql';
import { yuanToFen } from '../../i18n/format';

export type EarmarkKind = 'general' | 'category' | 'project';
export type Frequency = 'once' | 'monthly';

export interface MoneyValues {
  amountYuan?: string;
  earmarkKind?: EarmarkKind;
  earmarkCategory?: GivingNeedCategory;
  earmarkProjectId?: string;
  frequency?: Frequency;
  anonymous?: boolean;
  message?: string;
  /** the Card Element's slot: holds no value, carries the card's errors */
  card?: unknown;
}

export type AmountProblem = 'invalid' | 'zero' | 'tooLarge' | null;

/** What is wrong with an amount typed in yuan (null: fine), given the largest gift in fen. */
export function amountProblem(input: string | undefined, maxFen: string | null | undefined): AmountProblem {
  const fen = yuanToFen(input ?? '');
  if (fen === null) return 'invalid';
  if (BigInt(fen) <= 0n) return 'zero';
  if (maxFen && BigInt(fen) > BigInt(maxFen)) return 'tooLarge';
  return null;
}

/** The variables shared by donationCreate and recurringDonationCreate (without the idempotency key). */
export function moneyVariables(v: MoneyValues) {
  const kind = v.earmarkKind ?? 'general';
  return {
    amountFen: yuanToFen(v.amountYuan ?? '') ?? '',
    earmarkCategory: kind === 'category' ? (v.earmarkCategory ?? null) : null,
    earmarkProjectId: kind === 'project' ? (v.earmarkProjectId ?? null) : null,
    message: v.message?.trim() ?? '',
    anonymous: v.anonymous ?? false,
  };
}

/** The server's field names → the form's (the amount is asked in yuan, the earmark in two fields). */
export const MONEY_ALIASES = { amountFen: 'amountYuan' };
export const MONEY_FIELDS = ['amountYuan', 'earmarkKind', 'earmarkCategory', 'earmarkProjectId', 'frequency', 'anonymous', 'message', 'card'];

export function newIdempotencyKey(prefix: string): string {
  const random = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  return `${prefix}-${random}`;
}
