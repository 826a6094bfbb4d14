import type { Middleware } from 'openapi-fetch';
import { AuthError } from './errors.ts';
import { OPERATIONS } from './generated/operations.ts';
import type { FetchLike, RequestExtras } from './retry-fetch.ts';
import type { Session, TokenGrant } from './session.ts';

const OPS = Object.values(OPERATIONS);

/**
 * The operations the contract marks `security: []` (generated/operations.public.ts). They get no
 * bearer token, and a 401 from them (wrong password) is an answer, not a reason to refresh.
 */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(OPS.filter((o) => !o.secured).map((o) => o.path));

/** Operations whose success answer carries a new token pair to store (AuthResult or the refresh answer). */
export const TOKEN_PATHS: ReadonlySet<string> = new Set(OPS.filter((o) => o.grantsTokens).map((o) => o.path));

const LOGOUT_PATH = OPERATIONS.logout.path;
const ACCOUNT_PATH = OPERATIONS.deleteAccount.path;

function bearerOf(request: Request): string | null {
  const header = request.headers.get('Authorization');
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
}

async function errorCodeOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}

function isGrant(body: unknown): body is TokenGrant {
  const b = body as Partial<TokenGrant> | null;
  return typeof b?.accessToken === 'string' && typeof b.refreshToken === 'string';
}

/**
 * Bearer auth as openapi-fetch middleware (RFC 6750). On a 401 it waits for the session's single
 * shared refresh and replays the request ONCE with the new token, through `fetch` (the retrying
 * fetch), from a copy taken before the body was sent.
 */
export function authMiddleware(session: Session, fetch: FetchLike): Middleware {
  const copies = new Map<string, Request>();

  /** What a successful answer means for the session: new tokens, or signed out. */
  async function afterSuccess(schemaPath: string, request: Request, response: Response): Promise<void> {
    if (TOKEN_PATHS.has(schemaPath)) {
      const body: unknown = await response
        .clone()
        .json()
        .catch(() => null);
      if (isGrant(body)) await session.signIn(body);
    } else if (schemaPath === LOGOUT_PATH) {
      await session.signOut('LOGOUT');
    } else if (schemaPath === ACCOUNT_PATH && request.method === 'DELETE') {
      await session.signOut('ACCOUNT_DELETED');
    }
  }

  return {
    async onRequest({ request, schemaPath, id }) {
      if (PUBLIC_PATHS.has(schemaPath)) return undefined;
      const token = await session.accessToken();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      copies.set(id, request.clone());
      return undefined;
    },

    async onResponse({ request, response, schemaPath, id }) {
      const copy = copies.get(id);
      copies.delete(id);
      if (response.ok) {
        await afterSuccess(schemaPath, request, response);
        return undefined;
      }
      if (response.status !== 401 || !copy) return undefined;
      // a wrong current password (changePassword, deleteAccount) is a 401 too; it says nothing about the token
      if ((await errorCodeOf(response)) === 'INVALID_CREDENTIALS') return undefined;
      let accessToken: string;
      try {
        ({ accessToken } = await session.recover(bearerOf(request)));
      } catch (err) {
        if (err instanceof AuthError) return undefined; // signed out: the 401 stands
        throw err; // offline while refreshing: a NetworkError says more than the 401
      }
      copy.headers.set('Authorization', `Bearer ${accessToken}`);
      const extras = request as Request & RequestExtras;
      Object.assign(copy, { idempotent: extras.idempotent, timeoutMs: extras.timeoutMs });
      await response.body?.cancel().catch(() => {});
      // openapi-fetch runs onResponse only on the first answer: the replayed one gets the same
      // handling here (a new token pair stored, a sign-out acted on).
      const replayed = await fetch(copy);
      if (replayed.ok) await afterSuccess(schemaPath, copy, replayed);
      return replayed;
    },

    onError({ id }) {
      copies.delete(id);
      return undefined;
    },
  };
}
