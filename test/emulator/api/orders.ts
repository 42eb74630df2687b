/**
 * The demo protected API's data: a tenant-wide order book, seeded deterministically around the
 * emulator clock at start/reset; POSTs add orders in memory until the next reset.
 */
import { z } from 'zod';

export interface Order {
  id: string;
  item: string;
  quantity: number;
  customer: string;
  status: 'open' | 'shipped' | 'cancelled';
  /** UPN of the user whose token created it. */
  createdBy: string;
  createdDateTime: string;
  note?: string;
}

export const ORDER_STATUSES = ['open', 'shipped', 'cancelled'] as const;

/** POST /api/orders body. */
export const newOrderSchema = z
  .object({
    item: z.string().trim().min(1).max(200),
    quantity: z.number().int().min(1).max(10_000),
    customer: z.string().trim().min(1).max(200).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();
export type NewOrder = z.infer<typeof newOrderSchema>;

const SEED: readonly Omit<Order, 'id' | 'createdDateTime'>[] = [
  { item: 'Surface Laptop 7', quantity: 2, customer: 'Fabrikam', status: 'open', createdBy: 'megan' },
  { item: 'Contoso Desk Lamp', quantity: 25, customer: 'Northwind Traders', status: 'shipped', createdBy: 'adele' },
  { item: 'Ergonomic Chair', quantity: 4, customer: 'Tailspin Toys', status: 'open', createdBy: 'alex' },
  { item: 'USB-C Dock', quantity: 10, customer: 'Fabrikam', status: 'cancelled', createdBy: 'adele' },
  { item: 'Noise-cancelling Headset', quantity: 6, customer: 'Woodgrove Bank', status: 'open', createdBy: 'megan' },
  { item: '27" Monitor', quantity: 3, customer: 'Litware', status: 'shipped', createdBy: 'alex' },
];

export interface OrderBook {
  list(filter?: { status?: Order['status'] }): Order[];
  get(id: string): Order | undefined;
  add(input: NewOrder, createdBy: string): Order;
  reset(): void;
}

/** `tenantDomain` completes the seeded creators' UPNs; `now` dates the seed and new orders. */
export function createOrderBook(deps: { now(): number; tenantDomain: string }): OrderBook {
  let orders: Order[] = [];
  let nextId = 1001;
  const reset = (): void => {
    const base = deps.now();
    nextId = 1001;
    orders = SEED.map((o, i) => ({
      id: `ORD-${nextId++}`,
      ...o,
      createdBy: `${o.createdBy}@${deps.tenantDomain}`,
      createdDateTime: new Date(base - (SEED.length - i) * 86_400_000).toISOString(),
    }));
  };
  reset();
  return {
    list: (filter = {}) => orders.filter((o) => filter.status === undefined || o.status === filter.status),
    get: (id) => orders.find((o) => o.id.toLowerCase() === id.toLowerCase()),
    add(input, createdBy) {
      const order: Order = {
        id: `ORD-${nextId++}`,
        item: input.item,
        quantity: input.quantity,
        customer: input.customer ?? 'Contoso',
        status: 'open',
        createdBy,
        createdDateTime: new Date(deps.now()).toISOString(),
        ...(input.note !== undefined ? { note: input.note } : {}),
      };
      orders.push(order);
      return order;
    },
    reset,
  };
}
