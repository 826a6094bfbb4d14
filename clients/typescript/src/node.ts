import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenStore, Tokens } from './token-store.ts';

export * from './index.ts';

/**
 * Keeps the tokens in a JSON file readable only by its owner (mode 0600, directory 0700).
 * Writes go to a temporary file renamed into place, so a crash never leaves half a token.
 * Node only: import it from `@barqnet/client/node`.
 */
export class FileTokenStore implements TokenStore {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }

  async get(): Promise<Tokens | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const tokens = JSON.parse(text) as Partial<Tokens>;
      return typeof tokens.accessToken === 'string' && typeof tokens.refreshToken === 'string' ? (tokens as Tokens) : null;
    } catch {
      return null; // a corrupt file means signed out, not a crash
    }
  }

  async set(tokens: Tokens): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, JSON.stringify(tokens, null, 2), { mode: 0o600 });
    await chmod(temp, 0o600); // writeFile's mode is masked by the umask
    await rename(temp, this.path);
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
