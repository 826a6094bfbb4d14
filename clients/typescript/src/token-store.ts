/** The pair a sign-in or a refresh returns, plus when the access token expires. */
export interface Tokens {
  accessToken: string;
  /** Rotated on every refresh: always the newest one (the old one is dead after a short grace window). */
  refreshToken: string;
  /** Epoch ms when the access token expires, from `expiresIn`; used when the JWT has no `exp`. */
  accessTokenExpiresAt?: number;
}

/**
 * Where the SDK keeps the tokens. Methods may be sync or async so a Keychain,
 * EncryptedSharedPreferences or electron-store adapter is a few lines (see README).
 */
export interface TokenStore {
  get(): Tokens | null | Promise<Tokens | null>;
  set(tokens: Tokens): void | Promise<void>;
  clear(): void | Promise<void>;
}

/** Keeps the tokens for the life of the process (or the browser tab). */
export class MemoryTokenStore implements TokenStore {
  #tokens: Tokens | null;
  constructor(initial: Tokens | null = null) {
    this.#tokens = initial;
  }
  get(): Tokens | null {
    return this.#tokens;
  }
  set(tokens: Tokens): void {
    this.#tokens = { ...tokens };
  }
  clear(): void {
    this.#tokens = null;
  }
}
