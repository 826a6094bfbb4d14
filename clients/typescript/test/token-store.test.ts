import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jwtExpiresAt, MemoryTokenStore } from '../src/index.ts';
import { FileTokenStore } from '../src/node.ts';
import { fakeJwt, fakeRefreshToken } from './fake-api.ts';

const TOKENS = { accessToken: 'eyJ.a.b', refreshToken: fakeRefreshToken(1), accessTokenExpiresAt: 1_760_000_000_000 };

describe('MemoryTokenStore', () => {
  it('stores a copy and clears', () => {
    const store = new MemoryTokenStore();
    const tokens = { ...TOKENS };
    store.set(tokens);
    tokens.accessToken = 'changed';
    expect(store.get()).toEqual(TOKENS);
    store.clear();
    expect(store.get()).toBeNull();
  });
});

describe('FileTokenStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'barqnet-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the tokens with mode 0600 in a 0700 directory and reads them back', async () => {
    const path = join(dir, 'nested', 'tokens.json');
    const store = new FileTokenStore(path);
    expect(await store.get()).toBeNull();
    await store.set(TOKENS);
    expect(await store.get()).toEqual(TOKENS);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(TOKENS);
  });

  it('replaces the file on rotation and removes it on clear', async () => {
    const path = join(dir, 'tokens.json');
    const store = new FileTokenStore(path);
    await store.set(TOKENS);
    await store.set({ ...TOKENS, refreshToken: fakeRefreshToken(2) });
    expect((await store.get())?.refreshToken).toBe(fakeRefreshToken(2));
    await store.clear();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.clear(); // clearing twice is fine
  });

  it('treats a corrupt file as signed out', async () => {
    const path = join(dir, 'tokens.json');
    await writeFile(path, '{not json');
    expect(await new FileTokenStore(path).get()).toBeNull();
  });
});

describe('jwtExpiresAt', () => {
  it('reads exp from the payload without verifying', () => {
    expect(jwtExpiresAt(fakeJwt(1_760_000_000_000))).toBe(1_760_000_000_000);
  });
  it('is undefined for tokens without a numeric exp', () => {
    expect(jwtExpiresAt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBeUndefined();
    expect(jwtExpiresAt('not-a-jwt')).toBeUndefined();
    expect(jwtExpiresAt('a.!!!.c')).toBeUndefined();
  });
});
