import { parseListen } from '@chorale/config';
import { HttpConfigError } from './errors.js';

/** Whether connections to `host` can only come from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * The host and port of a listen address; throws HttpConfigError when it is malformed, or not a
 * loopback address while there is no token.
 */
export function checkListen(
  listen: string,
  token: string | undefined,
): { host: string; port: number } {
  const address = parseListen(listen);
  if (!address) {
    throw new HttpConfigError(
      `http.listen: expected a "host:port" address such as 127.0.0.1:7700, got ${JSON.stringify(listen)}`,
    );
  }
  if (!token && !isLoopback(address.host)) {
    throw new HttpConfigError(
      `http.listen "${listen}" is not a loopback address: set http.token in the config (or CHORALE_TOKEN) so that the API needs a bearer token`,
    );
  }
  return address;
}
