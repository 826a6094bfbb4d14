// argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane). Hashing runs in the libuv
// thread pool; a semaphore bounds how many run at once so a login flood cannot take every
// pool thread (token checks and file I/O keep theirs), and a bounded queue sheds load early.
// @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnavailableError, WeakPasswordError } from './errors.ts';

interface Argon2Params {
  memory: number;
  passes: number;
  parallelism: number;
  tagLength: number;
}

const PARAMS: Argon2Params = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** Spends the time of a verification without a stored hash, so unknown accounts answer as slowly. */
  dummyVerify(password: string): Promise<void>;
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

export function createHasher(options: { concurrency: number; queueLimit: number }, observe?: HasherObserver): PasswordHasher {
  let running = 0;
  const waiting: (() => void)[] = [];
  async function limited<T>(work: () => Promise<T>): Promise<T> {
    if (running >= options.concurrency) {
      if (waiting.length >= options.queueLimit) {
        observe?.refused();
        throw new UnavailableError('The server is busy; retry shortly', 1);
      }
      observe?.waited();
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running++;
    }
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }
  const dummy = { salt: randomBytes(16) };
  return {
    stats: () => ({ running, waiting: waiting.length }),
    hash: (password) =>
      limited(async () => {
        const salt = randomBytes(16);
        return encode(salt, await derive(password, salt, PARAMS));
      }),
    verify: (password, stored) =>
      limited(async () => {
        const parsed = decode(stored);
        if (!parsed) return false;
        const key = await derive(password, parsed.salt, parsed.params);
        return timingSafeEqual(key, parsed.key);
      }),
    dummyVerify: (password) =>
      limited(async () => {
        await derive(password, dummy.salt, PARAMS);
      }),
  };
}
