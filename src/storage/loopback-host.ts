/**
 * Loopback names and addresses, for the local server's DNS-rebinding guard:
 * a server bound to loopback answers only requests whose `Host` header names
 * a loopback host, so a web page on an attacker's domain that re-resolves to
 * 127.0.0.1 cannot read from or write to it. Browser-safe (no `node:` import).
 */

/**
 * Whether `host` (a bind address or a URL host name, IPv6 with or without
 * brackets, any case) is loopback: `localhost` and `*.localhost` (RFC 6761:
 * never resolved by DNS), `127.0.0.0/8`, `::1`, and `::ffff:127.x.x.x`.
 */
export function isLoopbackHost(host: string): boolean {
  let name = host.trim().toLowerCase();
  if (name.startsWith("[") && name.endsWith("]")) name = name.slice(1, -1);
  if (name.endsWith(".")) name = name.slice(0, -1); // "localhost." is the same name
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (name === "::1" || name === "0:0:0:0:0:0:0:1") return true;
  if (/^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/u.test(name)) return true; // ::ffff:127.x.x.x as URL normalizes it
  const dotted = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/u.exec(name);
  return dotted !== null && dotted[1] === "127" && dotted.slice(2).every((o) => Number(o) <= 255);
}

/**
 * Whether an HTTP `Host` header (`name[:port]`, `[v6][:port]`) names a
 * loopback host. A malformed header is not loopback.
 */
export function isLoopbackHostHeader(header: string): boolean {
  let url: URL;
  try {
    url = new URL(`http://${header}`);
  } catch {
    return false;
  }
  // The header must be only a host and an optional port (no user info, path, …).
  if (url.username !== "" || url.password !== "" || url.pathname !== "/" || url.search !== "" || url.hash !== "") return false;
  return isLoopbackHost(url.hostname);
}
