// argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane). Hashing runs in the libuv
// thread pool; a bounded number run at once so a login flood cannot take every pool thread
// (token checks and file I/O keep theirs), behind a queue that is fair between client
// addresses (fair-queue.ts) and sheds load early.
// @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { WeakPasswordError } from './errors.ts';
import { createFairQueue } from './fair-queue.ts';

interface Argon2Params {
  memory: number;
  passes: number;
  parallelism: number;
  tagLength: number;
}

const PARAMS: Argon2Params = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 };

/** `client` is the caller's address: the queue in front of the hashes is fair between addresses. */
export interface PasswordHasher {
  hash(password: string, client: string): Promise<string>;
  verify(password: string, stored: string, client: string): Promise<boolean>;
  /** Spends the time of a verification without a stored hash, so unknown accounts answer as slowly. */
  dummyVerify(password: string, client: string): Promise<void>;
  /** Hashes running and waiting now (read by the metrics at scrape time). */
  stats(): { running: number; waiting: number };
}

export interface HasherObserver {
  waited(): void;
  refused(): void;
}

export function assertStrongPassword(password: string, minLength: number): void {
  if (password.length < minLength || !/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/[0-9]/.test(password)) {
    throw new WeakPasswordError();
  }
}

export type Derive = (password: string, nonce: Buffer, params: Argon2Params) => Promise<Buffer>;

function derive(password: string, nonce: Buffer, params: Argon2Params): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2('argon2id', { message: password, nonce, ...params }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function encode(salt: Buffer, key: Buffer): string {
  const p = PARAMS;
  return `$argon2id$v=19$m=${p.memory},t=${p.passes},p=${p.parallelism}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function decode(stored: string): { salt: Buffer; key: Buffer; params: Argon2Params } | undefined {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!match) return undefined;
  const key = Buffer.from(match[5]!, 'base64url');
  return {
    salt: Buffer.from(match[4]!, 'base64url'),
    key,
    params: { memory: Number(match[1]), passes: Number(match[2]), parallelism: Number(match[3]), tagLength: key.length },
  };
}

export interface HasherOptions {
  concurrency: number;
  queueLimit: number;
  /** hashes one client address may have waiting */
  perAddressLimit: number;
}

export function createHasher(options: HasherOptions, observe?: HasherObserver, kdf: Derive = derive): PasswordHasher {
  const queue = createFairQueue({ concurrency: options.concurrency, queueLimit: options.queueLimit, perClientLimit: options.perAddressLimit, observe });
  const limited = <T>(client: string, work: () => Promise<T>) => queue.run(client, work);
  const dummy = { salt: randomBytes(16) };
  return {
    stats: queue.stats,
    hash: (password, client) =>
      limited(client, async () => {
        const salt = randomBytes(16);
        return encode(salt, await kdf(password, salt, PARAMS));
      }),
    verify: (password, stored, client) =>
      limited(client, async () => {
        const parsed = decode(stored);
        if (!parsed) return false;
        const key = await kdf(password, parsed.salt, parsed.params);
        return timingSafeEqual(key, parsed.key);
      }),
    dummyVerify: (password, client) =>
      limited(client, async () => {
        await kdf(password, dummy.salt, PARAMS);
      }),
  };
}
