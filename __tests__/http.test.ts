// HttpClient against a tiny local server: retries within bounds, Retry-After, timeouts, resets,
// Bearer challenges, and messages that name the URL and the status. No real sleeping: the client's
// sleep hook records the waits.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpError } from '../src/core/errors.js'
import { HttpClient, type HttpHooks, parseBearerChallenge, retryAfterMs } from '../src/core/http.js'
import type { HttpTuning } from '../src/core/settings.js'

const TUNING: HttpTuning = { timeoutMs: 2000, retries: 3, backoffMs: 1, maxRetryAfterMs: 5000 }
const NOW = Date.UTC(2025, 9, 21, 7, 28, 0) // 2025-10-21T07:28:00Z

function headers(values: Record<string, string>) {
  const lower = Object.fromEntries(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]))
  return { get: (name: string) => lower[name.toLowerCase()] ?? null }
}

describe('retryAfterMs', () => {
  test.each<[string, Record<string, string>, number | undefined]>([
    ['Retry-After seconds', { 'Retry-After': '1' }, 1000],
    ['Retry-After 0', { 'Retry-After': '0' }, 0],
    ['Retry-After 120 with spaces', { 'Retry-After': ' 120 ' }, 120_000],
    ['Retry-After HTTP date, 30 s ahead', { 'Retry-After': 'Tue, 21 Oct 2025 07:28:30 GMT' }, 30_000],
    ['Retry-After HTTP date in the past', { 'Retry-After': 'Tue, 21 Oct 2025 07:27:00 GMT' }, 0],
    ['X-Retry-After unix seconds, 45 s ahead', { 'X-Retry-After': String(NOW / 1000 + 45) }, 45_000],
    ['X-Retry-After in the past', { 'X-Retry-After': String(NOW / 1000 - 10) }, 0],
    ['Retry-After wins over X-Retry-After', { 'Retry-After': '2', 'X-Retry-After': String(NOW / 1000 + 45) }, 2000],
    [
      'garbage Retry-After falls to X-Retry-After',
      { 'Retry-After': 'soon', 'X-Retry-After': String(NOW / 1000 + 5) },
      5000
    ],
    ['garbage Retry-After', { 'Retry-After': 'soon' }, undefined],
    ['garbage Retry-After with digits and letters', { 'Retry-After': '10 s' }, undefined],
    ['fractional Retry-After (not delay-seconds, not a date)', { 'Retry-After': '1.5' }, undefined],
    ['negative Retry-After (not delay-seconds, not a date)', { 'Retry-After': '-1' }, undefined],
    ['garbage X-Retry-After', { 'X-Retry-After': 'later' }, undefined],
    ['empty headers', { 'Retry-After': '', 'X-Retry-After': '' }, undefined],
    ['no headers', {}, undefined]
  ])('%s', (_name, values, expected) => {
    expect(retryAfterMs(headers(values), NOW)).toBe(expected)
  })
})

describe('parseBearerChallenge', () => {
  test.each<[string | null, Record<string, string> | undefined]>([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:kindest/kindnetd:pull"',
      {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:kindest/kindnetd:pull'
      }
    ],
    [
      'Bearer realm="https://quay.io/v2/auth",service="quay.io"',
      { realm: 'https://quay.io/v2/auth', service: 'quay.io' }
    ],
    ['bearer Realm="http://x/token", Service="s"', { realm: 'http://x/token', service: 's' }],
    ['Bearer realm=http://x/token,service=s', { realm: 'http://x/token', service: 's' }],
    [
      'Bearer realm="http://x/token",scope="repository:a/b:pull,push"',
      { realm: 'http://x/token', scope: 'repository:a/b:pull,push' }
    ],
    ['Bearer service="s"', undefined], // no realm
    ['Basic realm="registry"', undefined],
    ['Bearer', undefined],
    ['', undefined],
    [null, undefined]
  ])('%j', (header, expected) => {
    expect(parseBearerChallenge(header)).toEqual(expected)
  })
})

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => void

interface Seen {
  path: string
  query: URLSearchParams
  authorization: string | undefined
}

const routes = new Map<string, Handler>()
const seen: Seen[] = []
const timers: NodeJS.Timeout[] = []
let server: http.Server
let base: string

function hits(path: string): Seen[] {
  return seen.filter((s) => s.path === path)
}

/** Registers a route; the handler gets the 1-based hit count of its path. */
function route(path: string, handler: Handler): string {
  routes.set(path, handler)
  return `${base}${path}`
}

function later(ms: number, fn: () => void): void {
  const timer = setTimeout(fn, ms)
  timer.unref()
  timers.push(timer)
}

function ok(res: http.ServerResponse, body: unknown = { ok: true }): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function client(tuning: Partial<HttpTuning> = {}, hooks: HttpHooks = {}) {
  const waits: number[] = []
  const c = new HttpClient({ ...TUNING, ...tuning }, { sleep: async (ms) => void waits.push(ms), ...hooks })
  clients.push(c)
  return { c, waits }
}
const clients: HttpClient[] = []

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(HttpError)
  return err as HttpError
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    seen.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization })
    const handler = routes.get(url.pathname)
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('no such route')
      return
    }
    handler(req, res, seen.filter((s) => s.path === url.pathname).length)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const c of clients) c.close()
  for (const timer of timers) clearTimeout(timer)
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

describe('HttpClient retries', () => {
  test('503 then 200 is retried', async () => {
    const url = route('/r/503', (_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(503)
        res.end('busy')
      } else ok(res)
    })
    const { c, waits } = client()
    const answer = await c.get(url, { what: 'the test' })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body.toString())).toEqual({ ok: true })
    expect(hits('/r/503')).toHaveLength(2)
    expect(waits).toEqual([1]) // backoffMs
  })

  test.each([408, 429, 500, 502, 503, 504, 599])('%d once, then 200', async (status) => {
    const path = `/r/once-${status}`
    const url = route(path, (_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(status)
        res.end()
      } else ok(res)
    })
    const { c, waits } = client()
    expect((await c.get(url, { what: 'the test' })).status).toBe(200)
    expect(hits(path)).toHaveLength(2)
    expect(waits).toEqual([1])
  })

  test('back-off doubles: 1, 2, 4 ms before success on the 4th attempt', async () => {
    const url = route('/r/backoff', (_req, res, hit) => {
      if (hit < 4) {
        res.writeHead(502)
        res.end()
      } else ok(res)
    })
    const { c, waits } = client()
    expect((await c.get(url, { what: 'the test' })).status).toBe(200)
    expect(waits).toEqual([1, 2, 4])
  })

  test('429 with Retry-After: 1 waits 1000 ms through the sleep hook', async () => {
    const url = route('/r/429', (_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(429, { 'retry-after': '1' })
        res.end()
      } else ok(res)
    })
    const retries: string[] = []
    const { c, waits } = client({}, { onRetry: (m) => retries.push(m) })
    const started = Date.now()
    expect((await c.get(url, { what: 'the test' })).status).toBe(200)
    expect(waits).toEqual([1000])
    expect(Date.now() - started).toBeLessThan(900) // did not really sleep
    expect(retries).toHaveLength(1)
    expect(retries[0]).toContain(url)
  })

  test("429 with Docker Hub's X-Retry-After (a unix time) waits until then", async () => {
    const now = 1_760_000_000_000
    const url = route('/r/x-retry-after', (_req, res, hit) => {
      if (hit === 1) {
        res.writeHead(429, { 'x-retry-after': String(now / 1000 + 2) })
        res.end()
      } else ok(res)
    })
    const { c, waits } = client({}, { now: () => now })
    expect((await c.get(url, { what: 'the test' })).status).toBe(200)
    expect(waits).toEqual([2000])
  })

  test('429 with Retry-After: 3600 fails at once, naming the URL and the wait', async () => {
    const url = route('/r/429-long', (_req, res) => {
      res.writeHead(429, { 'retry-after': '3600' })
      res.end()
    })
    const { c, waits } = client()
    const err = await failure(c.get(url, { what: 'the test' }))
    expect(err.message).toContain(url)
    expect(err.message).toContain('3600 s')
    expect(err.message).toContain('429')
    expect(err.status).toBe(429)
    expect(err.url).toBe(url)
    expect(hits('/r/429-long')).toHaveLength(1)
    expect(waits).toEqual([])
  })

  test('persistent 500 fails after retries + 1 attempts, naming the URL and the status', async () => {
    const url = route('/r/500', (_req, res) => {
      res.writeHead(500)
      res.end('boom')
    })
    const requests: string[] = []
    const { c, waits } = client({}, { onRequest: (method, u) => requests.push(`${method} ${u}`) })
    const err = await failure(c.get(url, { what: 'the test', hint: 'Try the hint.' }))
    expect(hits('/r/500')).toHaveLength(TUNING.retries + 1)
    expect(requests).toHaveLength(TUNING.retries + 1)
    expect(c.requests).toBe(TUNING.retries + 1)
    expect(waits).toEqual([1, 2, 4])
    expect(err.message).toContain(url)
    expect(err.message).toContain('500')
    expect(err.message).toContain('4 attempts')
    expect(err.message).toContain('Try the hint.')
    expect(err.status).toBe(500)
  })

  test('retries: 0 makes one attempt', async () => {
    const url = route('/r/no-retries', (_req, res) => {
      res.writeHead(503)
      res.end()
    })
    const { c, waits } = client({ retries: 0 })
    const err = await failure(c.get(url, { what: 'the test' }))
    expect(err.message).toContain('503')
    expect(hits('/r/no-retries')).toHaveLength(1)
    expect(waits).toEqual([])
  })

  test('a connection reset, then success', async () => {
    const url = route('/r/reset', (req, res, hit) => {
      if (hit === 1) req.socket.destroy()
      else ok(res)
    })
    const { c, waits } = client()
    expect((await c.get(url, { what: 'the test' })).status).toBe(200)
    expect(hits('/r/reset')).toHaveLength(2)
    expect(waits).toEqual([1])
  })

  test('persistent connection resets fail naming the URL', async () => {
    const url = route('/r/reset-always', (req) => req.socket.destroy())
    const { c } = client({ retries: 1 })
    const err = await failure(c.get(url, { what: 'the test' }))
    expect(err.message).toContain(url)
    expect(err.message).toMatch(/connection failed/)
    expect(hits('/r/reset-always')).toHaveLength(2)
  })

  test('a slow answer beyond timeoutMs, then success', async () => {
    const url = route('/r/slow', (_req, res, hit) => {
      if (hit === 1) later(1000, () => ok(res, { late: true }))
      else ok(res)
    })
    const { c, waits } = client({ timeoutMs: 200 })
    const started = Date.now()
    const answer = await c.get(url, { what: 'the test' })
    expect(JSON.parse(answer.body.toString())).toEqual({ ok: true })
    expect(Date.now() - started).toBeLessThan(900)
    expect(hits('/r/slow')).toHaveLength(2)
    expect(waits).toEqual([1])
  })

  test('the timeout covers the body too', async () => {
    const url = route('/r/slow-body', (_req, res, hit) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      if (hit === 1) {
        res.write('{"ok":')
        later(1000, () => res.end('false}'))
      } else res.end('{"ok":true}')
    })
    const { c } = client({ timeoutMs: 200 })
    const { json } = await c.getJson(url, { what: 'the test' })
    expect(json).toEqual({ ok: true })
    expect(hits('/r/slow-body')).toHaveLength(2)
  })

  test('a persistent timeout fails naming the URL and the timeout', async () => {
    const url = route('/r/slow-always', (_req, res) => later(1000, () => ok(res)))
    const { c } = client({ timeoutMs: 100, retries: 1 })
    const err = await failure(c.get(url, { what: 'the test' }))
    expect(err.message).toContain(url)
    expect(err.message).toContain('100 ms')
  })
})

describe('HttpClient statuses', () => {
  test('404 raises HttpError naming the status', async () => {
    const url = route('/s/404', (_req, res) => {
      res.writeHead(404)
      res.end('not here')
    })
    const { c, waits } = client()
    const err = await failure(c.get(url, { what: 'the test' }))
    expect(err.status).toBe(404)
    expect(err.message).toContain('404')
    expect(err.message).toContain(url)
    expect(hits('/s/404')).toHaveLength(1) // not retried
    expect(waits).toEqual([])
  })

  test('404 is returned with accept: [404]', async () => {
    const url = route('/s/404-accepted', (_req, res) => {
      res.writeHead(404)
      res.end('not here')
    })
    const { c } = client()
    const answer = await c.get(url, { what: 'the test', accept: [404] })
    expect(answer.status).toBe(404)
    expect(answer.body.toString()).toBe('not here')
  })

  test('400 is not retried', async () => {
    const url = route('/s/400', (_req, res) => {
      res.writeHead(400)
      res.end()
    })
    const { c } = client()
    const err = await failure(c.get(url, { what: 'the test' }))
    expect(err.status).toBe(400)
    expect(hits('/s/400')).toHaveLength(1)
  })

  test("getJson on an HTML body says 'not JSON' and names the URL", async () => {
    const url = route('/s/html', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<html><body>429 Too Many Requests</body></html>')
    })
    const { c } = client()
    const err = await failure(c.getJson(url, { what: 'the Quay tag list' }))
    expect(err.message).toContain('not JSON')
    expect(err.message).toContain(url)
    expect(err.message).toContain('text/html')
  })

  test('getJson parses JSON', async () => {
    const url = route('/s/json', (_req, res) => ok(res, { tags: ['a'] }))
    const { c } = client()
    const { answer, json } = await c.getJson<{ tags: string[] }>(url, { what: 'the test' })
    expect(answer.status).toBe(200)
    expect(json.tags).toEqual(['a'])
  })
})

describe('HttpClient Bearer challenges', () => {
  /** A protected resource that wants `Bearer <token>` and a token endpoint at `tokenPath`. */
  function protectedRoute(path: string, tokenPath: string, token: string, tokenBody: unknown = { token }) {
    route(tokenPath, (_req, res) => ok(res, tokenBody))
    return route(path, (req, res) => {
      if (req.headers.authorization === `Bearer ${token}`) return ok(res, { path })
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="${base}${tokenPath}",service="s",scope="repository:a/b:pull"`
      })
      res.end('{"errors":[{"code":"UNAUTHORIZED"}]}')
    })
  }

  test('answers the challenge; the retried request carries the token; the next one sends it up front', async () => {
    const url = protectedRoute('/v2/a/b/manifests/one', '/token1', 't1')
    const { c, waits } = client()
    expect(JSON.parse((await c.get(url, { what: 'the test', challenge: true })).body.toString())).toEqual({
      path: '/v2/a/b/manifests/one'
    })
    expect((await c.get(url, { what: 'the test', challenge: true })).status).toBe(200)
    expect(hits('/v2/a/b/manifests/one').map((s) => s.authorization)).toEqual([undefined, 'Bearer t1', 'Bearer t1'])
    const tokenHits = hits('/token1')
    expect(tokenHits).toHaveLength(1)
    expect(tokenHits[0].query.get('service')).toBe('s')
    expect(tokenHits[0].query.get('scope')).toBe('repository:a/b:pull')
    expect(tokenHits[0].authorization).toBeUndefined() // anonymous
    expect(waits).toEqual([]) // a challenge is not a retry
  })

  test('concurrent requests share one token request', async () => {
    const url = protectedRoute('/v2/a/b/manifests/two', '/token2', 't2')
    const { c } = client()
    const answers = await Promise.all([1, 2, 3].map(() => c.get(url, { what: 'the test', challenge: true })))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200])
    expect(hits('/token2')).toHaveLength(1)
  })

  test('credentials go as Basic to the token endpoint only; access_token is accepted', async () => {
    const url = protectedRoute('/v2/a/b/manifests/cred', '/token-cred', 't3', { access_token: 't3', expires_in: 300 })
    const { c } = client()
    const answer = await c.get(url, {
      what: 'the test',
      challenge: true,
      credentials: { username: 'user', password: 'pass' }
    })
    expect(answer.status).toBe(200)
    expect(hits('/token-cred').map((s) => s.authorization)).toEqual([
      `Basic ${Buffer.from('user:pass').toString('base64')}`
    ])
    expect(hits('/v2/a/b/manifests/cred').map((s) => s.authorization)).toEqual([undefined, 'Bearer t3'])
  })

  test('without challenge: true a 401 is an error advising on credentials', async () => {
    const url = protectedRoute('/v2/a/b/manifests/nochallenge', '/token-unused', 't4')
    const { c } = client()
    const err = await failure(c.get(url, { what: 'the test' }))
    expect(err.status).toBe(401)
    expect(err.message).toContain('401')
    expect(err.message).toContain('DOCKERHUB_USERNAME')
    expect(hits('/token-unused')).toHaveLength(0)
  })

  test('a token that is still refused ends in a 401 error, not a loop', async () => {
    route('/token-bad', (_req, res) => ok(res, { token: 'wrong' }))
    const url = route('/v2/a/b/manifests/refused', (_req, res) => {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${base}/token-bad",service="s"` })
      res.end()
    })
    const { c } = client()
    const err = await failure(c.get(url, { what: 'the test', challenge: true }))
    expect(err.status).toBe(401)
    expect(hits('/v2/a/b/manifests/refused')).toHaveLength(2)
    expect(hits('/token-bad')).toHaveLength(1)
  })

  test('a token answer without a token fails naming the token service', async () => {
    const url = protectedRoute('/v2/a/b/manifests/notoken', '/token-empty', 't5', { nothing: true })
    const { c } = client()
    const err = await failure(c.get(url, { what: 'the test', challenge: true }))
    expect(err.message).toContain(`${base}/token-empty`)
    expect(err.message).toMatch(/without a token/)
  })

  test('an expired token is renewed, and a refused cached token is replaced once', async () => {
    let issued = 0
    let valid = ''
    route('/token-rotating', (_req, res) => {
      valid = `r${++issued}`
      ok(res, { token: valid, expires_in: 300 })
    })
    const url = route('/v2/a/b/manifests/rotating', (req, res) => {
      if (req.headers.authorization === `Bearer ${valid}`) return ok(res)
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${base}/token-rotating",service="s"` })
      res.end()
    })
    let now = NOW
    const { c } = client({}, { now: () => now })
    expect((await c.get(url, { what: 'the test', challenge: true })).status).toBe(200)
    // Past expires_in (300 s, renewed 10 s early): no stale token is sent, a new one is fetched.
    now += 291_000
    expect((await c.get(url, { what: 'the test', challenge: true })).status).toBe(200)
    expect(issued).toBe(2)
    // The registry revokes the token early: the refused cached token is replaced, once.
    valid = 'revoked'
    expect((await c.get(url, { what: 'the test', challenge: true })).status).toBe(200)
    expect(issued).toBe(3)
    expect(hits('/v2/a/b/manifests/rotating').map((h) => h.authorization)).toEqual([
      undefined,
      'Bearer r1',
      undefined,
      'Bearer r2',
      'Bearer r2',
      'Bearer r3'
    ])
  })
})
