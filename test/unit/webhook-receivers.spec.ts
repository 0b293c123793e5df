import { createServer as createHttp, IncomingMessage, Server } from 'node:http';
import { AddressInfo, createServer as createTcp, LookupFunction, Server as TcpServer, Socket } from 'node:net';
import {
  failureOf,
  ipv4WrittenOddly,
  isPublicAddress,
  pinnedLookup,
  ReceiverNotAllowed,
  Resolver,
  sendToReceiver,
  vetReceiver,
} from '@kouan/common';

/** A receiver on a loopback address that records what reached it and answers `answer`. */
async function receiver(host = '127.0.0.1', answer = 200, headers: Record<string, string> = {}) {
  const hits: IncomingMessage[] = [];
  const server: Server = createHttp((req, res) => {
    hits.push(req);
    req.resume();
    res.writeHead(answer, headers).end();
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { hits, port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(r)) };
}

/** Accepts the connection and never answers. */
async function blackHole() {
  const sockets: Socket[] = [];
  const server: TcpServer = createTcp((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((r) => {
        sockets.forEach((s) => s.destroy());
        server.close(r);
      }),
  };
}

/** A resolver that answers from a table, one answer per call in turn (the last one repeated), and counts its calls. */
function resolverOf(answers: Record<string, string[][]>) {
  const calls: string[] = [];
  const resolve: Resolver = async (host) => {
    calls.push(host);
    const list = answers[host];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return list[Math.min(calls.filter((c) => c === host).length, list.length) - 1];
  };
  return { resolve, calls };
}

const delivery = { headers: { 'Content-Type': 'application/json' }, body: '{"id":"e1"}', timeoutMs: 2000 };
const PUBLIC = '93.184.215.14';

describe('webhook receivers: which addresses may be reached', () => {
  it.each([
    ['127.0.0.1', false],
    ['127.9.9.9', false],
    ['0.0.0.0', false],
    ['10.0.0.5', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['240.0.0.1', false],
    ['198.18.0.1', false],
    ['192.0.2.1', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fc00::1', false],
    ['ff02::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:10.0.0.5', false],
    ['::127.0.0.1', false],
    ['64:ff9b::7f00:1', false],
    ['2002:7f00:1::', false],
    ['2001:0:4136:e378::1', false],
    ['2001:db8::1', false],
    ['not an address', false],
    ['0x7f.1', false],
    [PUBLIC, true],
    ['8.8.8.8', true],
    ['::ffff:8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['2a00:1450:4001::200e', true],
  ])('%s public: %s', (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });

  it('an IPv4 host written other than as four decimal numbers is flagged, whatever it reads as', () => {
    for (const raw of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0177.0.0.1/',
      'http://0/',
      'http://1572395278/',
      'http://%31%32%37.0.0.1/',
      'http://127.1/',
    ]) {
      expect([raw, ipv4WrittenOddly(raw, new URL(raw))]).toEqual([raw, true]);
    }
    for (const raw of [
      'http://93.184.215.14:8080/x',
      'https://user@93.184.215.14/',
      'http://[::1]/',
      'https://dispatch.example.com/',
    ]) {
      expect([raw, ipv4WrittenOddly(raw, new URL(raw))]).toEqual([raw, false]);
    }
  });

  it('a name is checked by every address it resolves to; one inside is enough to refuse it', async () => {
    const { resolve } = resolverOf({
      'hooks.firm.test': [[PUBLIC]],
      'inside.firm.test': [['10.0.0.5']],
      'mixed.firm.test': [[PUBLIC, '127.0.0.1']],
      'mapped.firm.test': [['::ffff:169.254.169.254']],
      'empty.firm.test': [[]],
    });
    const guard = { allowPrivate: false, resolve };
    await expect(vetReceiver(new URL('https://hooks.firm.test/k'), guard)).resolves.toEqual({
      address: PUBLIC,
      family: 4,
    });
    await expect(vetReceiver(new URL(`https://${PUBLIC}/k`), guard)).resolves.toEqual({ address: PUBLIC, family: 4 });
    await expect(vetReceiver(new URL('https://[2606:4700:4700::1111]/k'), guard)).resolves.toEqual({
      address: '2606:4700:4700::1111',
      family: 6,
    });
    for (const url of [
      'https://inside.firm.test/',
      'https://mixed.firm.test/',
      'https://mapped.firm.test/',
      'https://empty.firm.test/',
      'https://nowhere.firm.test/',
      'http://[::1]/',
      'http://[::ffff:7f00:1]/',
      'http://0x7f.1/',
      'http://100.64.0.1/',
    ]) {
      await expect(vetReceiver(new URL(url), guard)).rejects.toBeInstanceOf(ReceiverNotAllowed);
    }
    // WEBHOOK_ALLOW_PRIVATE: anything that resolves.
    await expect(vetReceiver(new URL('https://inside.firm.test/'), { allowPrivate: true, resolve })).resolves.toEqual({
      address: '10.0.0.5',
      family: 4,
    });
    await expect(
      vetReceiver(new URL('https://nowhere.firm.test/'), { allowPrivate: true, resolve }),
    ).rejects.toBeInstanceOf(ReceiverNotAllowed);
  });

  it('the pinned lookup answers with the vetted address whatever it is asked, in both of its forms', () => {
    const lookup: LookupFunction = pinnedLookup({ address: PUBLIC, family: 4 });
    const one = jest.fn();
    const all = jest.fn();
    lookup('elsewhere.example', { family: 0 }, one);
    lookup('elsewhere.example', { all: true }, all);
    expect(one).toHaveBeenCalledWith(null, PUBLIC, 4);
    expect(all).toHaveBeenCalledWith(null, [{ address: PUBLIC, family: 4 }]);
  });
});

describe('webhook receivers: one delivery', () => {
  it('connects to the address the check resolved (once), with the name in Host', async () => {
    // Only 127.0.0.2 listens: reaching it proves the connection went where the resolver said, not where a second
    // lookup (the system's: the name does not exist) would have sent it.
    const r = await receiver('127.0.0.2');
    const { resolve, calls } = resolverOf({ 'hooks.firm.test': [['127.0.0.2'], ['127.0.0.1']] });
    try {
      const result = await sendToReceiver(`http://hooks.firm.test:${r.port}/kouan`, delivery, {
        allowPrivate: true,
        resolve,
      });
      expect(result).toEqual({ status: 200 });
      expect(calls).toEqual(['hooks.firm.test']);
      expect(r.hits.map((h) => [h.headers.host, h.url])).toEqual([[`hooks.firm.test:${r.port}`, '/kouan']]);
    } finally {
      await r.close();
    }
  });

  it('a name that resolved outside at registration and inside at delivery is not sent to: connection_failed', async () => {
    const r = await receiver();
    const { resolve } = resolverOf({ 'rebind.firm.test': [[PUBLIC], ['127.0.0.1']] });
    const guard = { allowPrivate: false, resolve };
    const url = `http://rebind.firm.test:${r.port}/kouan`;
    try {
      await expect(vetReceiver(new URL(url), guard)).resolves.toEqual({ address: PUBLIC, family: 4 });
      const result = await sendToReceiver(url, delivery, guard);
      expect(result).toEqual({ error: 'connection_failed' });
      expect(r.hits).toEqual([]);
      // The same URL by its address: refused before any connection too.
      expect(await sendToReceiver(`http://127.0.0.1:${r.port}/kouan`, delivery, guard)).toEqual({
        error: 'connection_failed',
      });
      expect(r.hits).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it('the log says http_<status>, timeout or connection_failed, and nothing of errnos or TLS', async () => {
    const guard = { allowPrivate: true, resolve: resolverOf({}).resolve };
    const failing = await receiver('127.0.0.1', 503);
    const hole = await blackHole();
    const closed = await receiver();
    await closed.close();
    try {
      const answers = [
        await sendToReceiver(`http://127.0.0.1:${failing.port}/`, delivery, guard),
        await sendToReceiver(`http://127.0.0.1:${hole.port}/`, { ...delivery, timeoutMs: 300 }, guard),
        await sendToReceiver(`http://127.0.0.1:${closed.port}/`, delivery, guard),
        // TLS spoken to a plain HTTP server: a TLS error inside, connection_failed outside.
        await sendToReceiver(`https://127.0.0.1:${failing.port}/`, delivery, guard),
        await sendToReceiver('http://unknown.firm.test/', delivery, guard),
      ];
      expect(answers.map(failureOf)).toEqual([
        'http_503',
        'timeout',
        'connection_failed',
        'connection_failed',
        'connection_failed',
      ]);
    } finally {
      await failing.close();
      await hole.close();
    }
  });

  it('a redirect is the answer, not followed', async () => {
    const target = await receiver();
    const redirecting = await receiver('127.0.0.1', 307, { Location: `http://127.0.0.1:${target.port}/inside` });
    try {
      const result = await sendToReceiver(`http://127.0.0.1:${redirecting.port}/`, delivery, {
        allowPrivate: true,
        resolve: resolverOf({}).resolve,
      });
      expect(failureOf(result)).toBe('http_307');
      expect(redirecting.hits).toHaveLength(1);
      expect(target.hits).toEqual([]);
    } finally {
      await target.close();
      await redirecting.close();
    }
  });
});
