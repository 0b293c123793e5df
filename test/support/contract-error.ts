import type { Response } from 'supertest';

/** A stack frame, a source location or a dependency path in an answer means internals leaked. */
export const LEAK = /\bat \S+ \(|\bat \/|\.[jt]s:\d+|node_modules|\bError: /;

export function expectContractError(res: Response, status: number, says?: string | RegExp) {
  expect(res.status).toBeLessThan(500);
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual(expect.objectContaining({ statusCode: status, error: expect.any(String) }));
  expect(res.body.error.length).toBeGreaterThan(0);
  const { message } = res.body as { message: unknown };
  if (Array.isArray(message)) {
    expect(message.length).toBeGreaterThan(0);
    for (const m of message) expect(m).toEqual(expect.stringMatching(/\S/));
  } else {
    expect(message).toEqual(expect.stringMatching(/\S/));
  }
  expect(JSON.stringify(res.body)).not.toMatch(LEAK);
  expect(res.body).not.toHaveProperty('stack');
  if (says !== undefined) {
    const text = Array.isArray(message) ? message.join('\n') : String(message);
    if (typeof says === 'string') expect(text).toContain(says);
    else expect(text).toMatch(says);
  }
}
