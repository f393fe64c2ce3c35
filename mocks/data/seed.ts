import { chance, mulberry32, pick, randomInt, type Random } from './random.js';
import { money } from './money.js';
import type { Order, OrderItem, OrderStatus, Product, Review, User } from './types.js';

/**
 * The mocks' whole dataset, built once from fixed seeds. Everything a request
 * needs is reachable through a Map, so every endpoint costs O(ids asked for),
 * never a scan of 20,000 reviews.
 *
 * The dataset is deeply frozen: services that accept writes (inventory, orders,
 * notifications) copy what they mutate into their own per-server state, so two
 * mock instances in one process (e.g. two test files) never see each other's
 * writes, and a restart always serves the same data.
 */
export interface Dataset {
  readonly users: readonly User[];
  readonly usersById: ReadonlyMap<string, User>;

  readonly categories: readonly string[];
  /** Ordered by id ("1".."5000"); a product's index is its position here. */
  readonly products: readonly Product[];
  readonly productsById: ReadonlyMap<string, Product>;
  /** Ascending product indexes per category, for paging with a category filter. */
  readonly productIndexesByCategory: ReadonlyMap<string, readonly number[]>;
  /** Prices in integer cents, so orders compute totals without parsing strings. */
  readonly priceCentsByProductId: ReadonlyMap<string, number>;

  readonly reviews: readonly Review[];
  /** Newest first. */
  readonly reviewsByProductId: ReadonlyMap<string, readonly Review[]>;
  /** Newest first. */
  readonly reviewsByAuthorId: ReadonlyMap<string, readonly Review[]>;

  readonly orders: readonly Order[];
  readonly ordersById: ReadonlyMap<string, Order>;
  /** Newest first. */
  readonly ordersByUserId: ReadonlyMap<string, readonly Order[]>;

  /** Units available per product id at start; some are 0. */
  readonly stock: ReadonlyMap<string, number>;
}

export const USER_COUNT = 1_000;
export const PRODUCT_COUNT = 5_000;
export const REVIEW_COUNT = 20_000;
/** Orders per user are drawn from 0..6, so about 3 on average (~3,000 in all). */
const MAX_ORDERS_PER_USER = 6;

export const CATEGORIES = ['books', 'garden', 'electronics', 'kitchen', 'toys', 'sports', 'beauty', 'music', 'games', 'outdoor'] as const;

// Each kind of record gets its own seed, so adding a field to users does not
// reshuffle every product, review and order that comes after it.
const SEEDS = { users: 1001, products: 2002, reviews: 3003, orders: 4004, stock: 5005 };

const FIRST_NAMES = [
  'Ada',
  'Alan',
  'Barbara',
  'Brian',
  'Claude',
  'Dennis',
  'Donald',
  'Edsger',
  'Frances',
  'Grace',
  'Guido',
  'Hedy',
  'Ivan',
  'James',
  'John',
  'Ken',
  'Leslie',
  'Linus',
  'Margaret',
  'Niklaus',
  'Radia',
  'Rasmus',
  'Robin',
  'Shafi',
  'Sophie',
  'Tim',
  'Whitfield',
  'Yukihiro',
  'Anders',
  'Katherine',
];
const LAST_NAMES = [
  'Lovelace',
  'Turing',
  'Liskov',
  'Kernighan',
  'Shannon',
  'Ritchie',
  'Knuth',
  'Dijkstra',
  'Allen',
  'Hopper',
  'van Rossum',
  'Lamarr',
  'Sutherland',
  'Gosling',
  'McCarthy',
  'Thompson',
  'Lamport',
  'Torvalds',
  'Hamilton',
  'Wirth',
  'Perlman',
  'Lerdorf',
  'Milner',
  'Goldwasser',
  'Wilson',
  'Berners-Lee',
  'Diffie',
  'Matsumoto',
  'Hejlsberg',
  'Johnson',
];

const ADJECTIVES = [
  'Rustic',
  'Compact',
  'Deluxe',
  'Classic',
  'Modern',
  'Vintage',
  'Sturdy',
  'Handmade',
  'Portable',
  'Elegant',
  'Bright',
  'Quiet',
  'Smart',
  'Organic',
  'Heavy-duty',
  'Minimal',
  'Colourful',
  'Foldable',
  'Premium',
  'Everyday',
];
const NOUNS_BY_CATEGORY: Record<(typeof CATEGORIES)[number], readonly string[]> = {
  books: ['Novel', 'Cookbook', 'Atlas', 'Biography', 'Poetry Collection', 'Field Guide'],
  garden: ['Trowel', 'Watering Can', 'Planter', 'Hose Reel', 'Seed Kit', 'Pruning Shears'],
  electronics: ['Headphones', 'Charger', 'Speaker', 'Keyboard', 'Webcam', 'Power Bank'],
  kitchen: ['Skillet', 'Knife Set', 'Teapot', 'Cutting Board', 'Blender', 'Spice Rack'],
  toys: ['Puzzle', 'Building Set', 'Plush Bear', 'Kite', 'Train Set', 'Yo-yo'],
  sports: ['Yoga Mat', 'Football', 'Tennis Racket', 'Dumbbell', 'Jump Rope', 'Water Bottle'],
  beauty: ['Face Cream', 'Hair Brush', 'Lip Balm', 'Soap Bar', 'Perfume', 'Nail Kit'],
  music: ['Ukulele', 'Vinyl Record', 'Guitar Strings', 'Harmonica', 'Metronome', 'Drumsticks'],
  games: ['Board Game', 'Card Deck', 'Chess Set', 'Dice Set', 'Party Game', 'Jigsaw'],
  outdoor: ['Tent', 'Lantern', 'Sleeping Bag', 'Backpack', 'Camping Stove', 'Hammock'],
};
const DESCRIPTIONS = [
  'Built to last and easy to clean.',
  'A customer favourite for years.',
  'Lightweight, with a two-year warranty.',
  'Made from recycled materials.',
  'Ships in plastic-free packaging.',
  'Designed in Europe, tested by enthusiasts.',
];

const REVIEW_BODIES: Record<number, readonly string[]> = {
  1: ['Broke after a week.', 'Not as described.', 'Would not buy again.'],
  2: ['Disappointing quality.', 'Works, barely.', 'Expected more for the price.'],
  3: ['Does the job.', 'Average, nothing special.', 'Fine for occasional use.'],
  4: ['Very good value.', 'Solid and well made.', 'Happy with it overall.'],
  5: ['Excellent, highly recommended!', 'Exactly what I needed.', 'Best purchase this year.'],
};

const DAY_MS = 86_400_000;
const USERS_FROM = Date.UTC(2019, 0, 1);
const USERS_UNTIL = Date.UTC(2023, 11, 31);
const REVIEWS_FROM = Date.UTC(2020, 0, 1);
const DATA_UNTIL = Date.UTC(2024, 11, 31);

/** A timestamp in [from, until), whole seconds, as ISO-8601. */
function isoBetween(random: Random, from: number, until: number): string {
  const ms = from + Math.floor((random() * (until - from)) / 1000) * 1000;
  return new Date(ms).toISOString();
}

function byNewestFirst<T extends { createdAt: string; id: string }>(a: T, b: T): number {
  // ISO strings in UTC compare correctly as strings; the id breaks ties so the
  // order is total and therefore the same on every build.
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return Number(b.id) - Number(a.id);
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function buildUsers(): User[] {
  const random = mulberry32(SEEDS.users);
  const users: User[] = [];
  for (let i = 1; i <= USER_COUNT; i++) {
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    users.push({
      id: String(i),
      name: `${first} ${last}`,
      // The id in the address keeps emails unique although names repeat.
      email: `${first}.${last}.${i}@example.com`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
      createdAt: isoBetween(random, USERS_FROM, USERS_UNTIL),
    });
  }
  return users;
}

function buildProducts(): { products: Product[]; cents: Map<string, number> } {
  const random = mulberry32(SEEDS.products);
  const products: Product[] = [];
  const cents = new Map<string, number>();
  for (let i = 1; i <= PRODUCT_COUNT; i++) {
    const category = pick(random, CATEGORIES);
    const id = String(i);
    // Prices from 1.99 to 499.99; a tenth end in .99 like real shelf prices,
    // the rest have arbitrary cents so rounding bugs show.
    const priceCents = chance(random, 0.1) ? randomInt(random, 1, 499) * 100 + 99 : randomInt(random, 199, 49_999);
    cents.set(id, priceCents);
    products.push({
      id,
      name: `${pick(random, ADJECTIVES)} ${pick(random, NOUNS_BY_CATEGORY[category])}`,
      // Some descriptions are missing, as in any real catalog: the BFF must cope with null.
      description: chance(random, 0.15) ? null : pick(random, DESCRIPTIONS),
      category,
      price: money(priceCents),
    });
  }
  return { products, cents };
}

function buildReviews(): Review[] {
  const random = mulberry32(SEEDS.reviews);
  const reviews: Review[] = [];
  for (let i = 1; i <= REVIEW_COUNT; i++) {
    // Skewed towards the good end, like real ratings.
    const rating = pick(random, [1, 2, 3, 3, 4, 4, 4, 5, 5, 5]);
    reviews.push({
      id: String(i),
      productId: String(randomInt(random, 1, PRODUCT_COUNT)),
      authorId: String(randomInt(random, 1, USER_COUNT)),
      rating,
      body: chance(random, 0.2) ? null : pick(random, REVIEW_BODIES[rating]),
      createdAt: isoBetween(random, REVIEWS_FROM, DATA_UNTIL),
    });
  }
  return reviews;
}

function buildOrders(users: readonly User[], products: readonly Product[], cents: ReadonlyMap<string, number>): Order[] {
  const random = mulberry32(SEEDS.orders);
  const orders: Order[] = [];
  const statuses: OrderStatus[] = ['placed', 'shipped', 'delivered', 'delivered', 'delivered', 'cancelled'];
  for (const user of users) {
    const count = randomInt(random, 0, MAX_ORDERS_PER_USER);
    const userSince = Date.parse(user.createdAt) + DAY_MS;
    for (let n = 0; n < count; n++) {
      const items: OrderItem[] = [];
      let totalCents = 0;
      const lines = randomInt(random, 1, 4);
      for (let l = 0; l < lines; l++) {
        const product = products[randomInt(random, 0, products.length - 1)];
        const quantity = randomInt(random, 1, 3);
        const unitCents = cents.get(product.id)!;
        totalCents += unitCents * quantity;
        items.push({ productId: product.id, quantity, unitPrice: money(unitCents) });
      }
      orders.push({
        id: String(orders.length + 1),
        userId: user.id,
        status: pick(random, statuses),
        createdAt: isoBetween(random, userSince, DATA_UNTIL),
        items,
        total: money(totalCents),
      });
    }
  }
  return orders;
}

function buildStock(products: readonly Product[]): Map<string, number> {
  const random = mulberry32(SEEDS.stock);
  const stock = new Map<string, number>();
  for (const product of products) {
    // One in ten is sold out, so "out of stock" paths get exercised.
    stock.set(product.id, chance(random, 0.1) ? 0 : randomInt(random, 1, 100));
  }
  return stock;
}

/** Builds a fresh dataset. Prefer getDataset(), which builds it once per process. */
export function buildDataset(): Dataset {
  const users = buildUsers();
  const { products, cents } = buildProducts();
  const reviews = buildReviews();
  const orders = buildOrders(users, products, cents);
  const stock = buildStock(products);

  const productIndexesByCategory = new Map<string, number[]>(CATEGORIES.map((c) => [c, []]));
  products.forEach((product, index) => productIndexesByCategory.get(product.category)!.push(index));

  const reviewsByProductId = groupBy(reviews, (r) => r.productId);
  for (const list of reviewsByProductId.values()) list.sort(byNewestFirst);
  const reviewsByAuthorId = groupBy(reviews, (r) => r.authorId);
  for (const list of reviewsByAuthorId.values()) list.sort(byNewestFirst);
  const ordersByUserId = groupBy(orders, (o) => o.userId);
  for (const list of ordersByUserId.values()) list.sort(byNewestFirst);

  // Maps cannot be frozen, but their values (the records and lists) can; the
  // ReadonlyMap types keep callers from writing to the maps themselves.
  deepFreeze(users);
  deepFreeze(products);
  deepFreeze(reviews);
  deepFreeze(orders);
  for (const list of [...productIndexesByCategory.values(), ...reviewsByProductId.values(), ...reviewsByAuthorId.values(), ...ordersByUserId.values()]) {
    Object.freeze(list);
  }

  return {
    users,
    usersById: new Map(users.map((u) => [u.id, u])),
    categories: CATEGORIES,
    products,
    productsById: new Map(products.map((p) => [p.id, p])),
    productIndexesByCategory,
    priceCentsByProductId: cents,
    reviews,
    reviewsByProductId,
    reviewsByAuthorId,
    orders,
    ordersById: new Map(orders.map((o) => [o.id, o])),
    ordersByUserId,
    stock,
  };
}

let memoised: Dataset | undefined;

/** The dataset, built on first use (a few tens of ms) and shared by every mock in the process. */
export function getDataset(): Dataset {
  memoised ??= buildDataset();
  return memoised;
}
