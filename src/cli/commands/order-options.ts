/**
 * The order-style options shared by `keel trade plan` and `keel paper`: they replace the study's `trading.orders`
 * settings for this command (whole lots, minimum trade value, order type, limit collar).
 */
import { type Command, InvalidArgumentError } from 'commander';

const number = (v: string): number => {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError(`expected a number, got "${v}"`);
  return x;
};

const orderType = (v: string): string => {
  if (!['market', 'limit', 'market-on-close'].includes(v))
    throw new InvalidArgumentError(`expected market, limit or market-on-close, got "${v}"`);
  return v;
};

export interface OrderOpts {
  orderType?: 'market' | 'limit' | 'market-on-close';
  limitCollarBps?: number;
  lotSize?: number;
  minTradeValue?: number;
}

export function withOrderOptions(cmd: Command): Command {
  return cmd
    .option('--order-type <type>', 'market, limit or market-on-close (default: trading.orders.type)', orderType)
    .option('--limit-collar-bps <bps>', 'limit orders: limit = last close × (1 ± bps/1e4)', number)
    .option('--lot-size <units>', 'trade whole lots of this many units (0 = fractional)', number)
    .option('--min-trade-value <amount>', 'skip orders smaller than this notional', number);
}

export const orderOverrides = (o: OrderOpts) => ({
  type: o.orderType,
  limitCollarBps: o.limitCollarBps,
  lotSize: o.lotSize,
  minTradeValue: o.minTradeValue,
});
