/** The pages' way to the API: fetch under /api/v1 (`caller`, in caller.ts, makes the consoles' signed-in calls). */

interface ErrorBody {
  message?: string | string[];
  error?: string;
  code?: string;
  [field: string]: unknown;
}

/** A failed API call: the contract's {statusCode, error, message} plus any extra fields (code, comeBackAt). */
export class ApiError extends Error {
  readonly code: string | null;
  readonly body: ErrorBody;
  constructor(
    readonly status: number,
    body: ErrorBody | null,
  ) {
    const m = body && body.message;
    super(Array.isArray(m) ? m.join('; ') : m || (body && body.error) || 'HTTP ' + status);
    this.code = (body && body.code) || null;
    this.body = body || {};
  }
}

/** The server's clock less the phone's, from the last answer's Date header (0 until one is heard). */
let skew = 0;

/**
 * The time by the server's clock: a phone's own clock may be hours off (set by hand, or a zone guessed wrong), and
 * what the server judges (a session's expiry, a call's deadline) must be judged by its time. The Date header counts
 * whole seconds: the middle of its second is within half a second of the truth, plus the answer's way back.
 */
export function serverNow(): number {
  return Date.now() + skew;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answer's shape is the endpoint's, read by the page
export type Answer = any;

export async function api(
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
  extra?: Record<string, string>,
): Promise<Answer> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  for (const h in extra || {}) headers[h] = extra![h];
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, {
      message: navigator.onLine === false ? 'No network connection' : 'Cannot reach the server',
    });
  }
  const date = Date.parse(res.headers.get('Date') || '');
  if (!isNaN(date)) skew = date + 500 - Date.now();
  let data: Answer;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}
