/** A minimal client for the REST shim, returning status and parsed body. */
export function restClient(baseUrl: string, key: string | null) {
  const call = async (method: string, path: string, body?: unknown, rawBody?: string) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as any) : null };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body),
    postRaw: (path: string, raw: string) => call('POST', path, undefined, raw),
  };
}
