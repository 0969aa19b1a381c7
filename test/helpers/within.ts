/**
 * How long a test waits for something the network should deliver: a missing reply fails in about
 * a second, saying what was missing, instead of at vitest's 20 s test timeout.
 */
export const NETWORK_TIMEOUT_MS = 1000;

/** `promise`, or a rejection after `ms` that names `what` did not arrive. */
export function within<T>(what: string, promise: Promise<T>, ms = NETWORK_TIMEOUT_MS): Promise<T> {
  let timeout: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timeout = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timeout));
}

/** `fetch`, failing in about a second with the method and URL if the reply's head does not come. */
export function fetchWithin(url: string, init?: RequestInit, ms = NETWORK_TIMEOUT_MS): Promise<Response> {
  return within(`a reply to ${init?.method ?? 'GET'} ${url}`, fetch(url, init), ms);
}

/** `fetch` and its JSON body, failing in about a second with the method and URL if either does not come. */
export function fetchJson<T>(url: string, init?: RequestInit, ms = NETWORK_TIMEOUT_MS): Promise<T> {
  return within(`JSON in reply to ${init?.method ?? 'GET'} ${url}`, fetch(url, init).then((r) => r.json() as Promise<T>), ms);
}
