/**
 * Who may read and write. `keel serve` prints a URL with a random token; opening it sets an HttpOnly, SameSite=Strict
 * session cookie. Every page and API call needs that cookie (or `Authorization: Bearer TOKEN` for scripts). Writes
 * (any method but GET/HEAD) also need the CSRF token the pages carry in a <meta> tag, sent back in `X-CSRF-Token`,
 * and an Origin, when the browser sends one, equal to the server's own. A cross-site form cannot set the header
 * and a cross-site fetch with it needs a CORS preflight the server never grants.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';

export const SESSION_COOKIE = 'keel_session';

export const newToken = (): string => randomBytes(24).toString('base64url');

/** The CSRF token for a session token (derived, so the server keeps no state). */
export const csrfFor = (token: string): string => createHmac('sha256', token).update('keel-csrf').digest('base64url');

function same(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authenticate(token: string): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null && same(fromQuery, token) && c.req.method === 'GET') {
      setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const bearer = c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
    const session = getCookie(c, SESSION_COOKIE);
    if (!same(session, token) && !same(bearer, token))
      throw new HTTPException(401, {
        message: 'not signed in: open the URL keel serve printed (it carries the token)',
      });
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      if (origin !== undefined && origin !== url.origin)
        throw new HTTPException(403, { message: `cross-origin write refused (Origin ${origin})` });
      // Scripts with the bearer token are not a browser session: no ambient credential, no CSRF risk.
      if (!same(bearer, token) && !same(c.req.header('x-csrf-token'), csrfFor(token)))
        throw new HTTPException(403, { message: 'write refused: missing or wrong X-CSRF-Token' });
    }
    await next();
    return undefined;
  };
}
