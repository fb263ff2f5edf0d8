/**
 * The `Response` side of `compileStreaming` / `instantiateStreaming`, as the
 * WebAssembly Web API specifies it ("compile a potential WebAssembly
 * response"): the argument must be a `Response` (or a promise of one) whose
 * `Content-Type` is `application/wasm`, whose status is ok, and whose body
 * has not been used; otherwise a TypeError. The body is then read as a stream
 * of chunks, each handed to the streaming compiler as it arrives.
 */

type ResponseLike = Pick<Response, 'ok' | 'status' | 'headers' | 'bodyUsed' | 'body'>;

/**
 * Whether `v` is a Response: an instance of this realm's `Response`, or an
 * object that passes `Response.prototype`'s own brand check (another realm's).
 */
function isResponse(v: unknown): v is ResponseLike {
  const R = (globalThis as { Response?: typeof Response }).Response;
  if (typeof R !== 'function' || typeof v !== 'object' || v === null) return false;
  if (v instanceof R) return true;
  const okGetter = Object.getOwnPropertyDescriptor(R.prototype, 'ok')?.get;
  if (okGetter === undefined) return false;
  try {
    okGetter.call(v);
    return true;
  } catch {
    return false;
  }
}

/** HTTP tab or space, trimmed from both ends of the header value. */
const HTTP_WHITESPACE = /^[\t ]+|[\t ]+$/g;

/** Checks `response` as the spec orders it; TypeError for the first check that fails. */
export function checkResponse(response: unknown, context: string): ReadableStream<Uint8Array> | null {
  if (!isResponse(response)) {
    throw new TypeError(`${context}: Argument 0 must be a Response or a promise of one`);
  }
  const contentType = response.headers.get('Content-Type');
  if (contentType === null) {
    throw new TypeError(`${context}: the response has no Content-Type; it must be application/wasm`);
  }
  if (contentType.replace(HTTP_WHITESPACE, '').toLowerCase() !== 'application/wasm') {
    throw new TypeError(
      `${context}: the response has Content-Type '${contentType}'; it must be application/wasm`,
    );
  }
  if (!response.ok) {
    throw new TypeError(`${context}: the response has HTTP status ${response.status}, not an ok status`);
  }
  if (response.bodyUsed) throw new TypeError(`${context}: the response body has already been used`);
  const body = response.body;
  if (body?.locked) throw new TypeError(`${context}: the response body is locked`);
  return body;
}

/**
 * The body's chunks as they arrive. Stopping early (a compile error, an
 * abort) cancels the stream so the download stops too. A null body (an empty
 * response) has no chunks.
 */
export async function* bodyChunks(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (body === null) return;
  const reader = body.getReader();
  let done = false;
  try {
    for (;;) {
      const step = await reader.read();
      if (step.done) {
        done = true;
        return;
      }
      yield step.value;
    }
  } finally {
    if (!done) reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
