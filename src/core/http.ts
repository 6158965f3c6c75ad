import * as http from 'node:http'
import * as https from 'node:https'
import fetch, { FetchError, type Response } from 'node-fetch'
import { HttpError } from './errors.js'
import type { Credentials, HttpTuning } from './settings.js'

/**
 * The one way the updater talks to registries: bounded retries of transient failures, Bearer
 * challenges answered the standard way, keep-alive connections, a per-request timeout that
 * covers the body too, and error messages that name the URL, the status and what to try.
 */

export interface HttpAnswer {
  url: string
  status: number
  headers: { get(name: string): string | null }
  body: Buffer
}

export interface GetOptions {
  /** What is being fetched, for messages ("the Quay tag list of okd/scos-content"). */
  what: string
  headers?: Record<string, string>
  method?: 'GET' | 'HEAD' | 'POST'
  body?: string
  /** Statuses returned to the caller instead of raising (e.g. 404 to report "not found"). */
  accept?: number[]
  /** Answer a 401 Bearer challenge with a token from its realm (OCI v2 APIs). */
  challenge?: boolean
  /** Credentials for the challenge's token request. */
  credentials?: Credentials
  /** Hint appended to a persistent-failure message. */
  hint?: string
  signal?: AbortSignal
}

export interface HttpHooks {
  sleep?: (ms: number) => Promise<void>
  now?: () => number
  /** Called once per attempt, for debugging and request counting. */
  onRequest?: (method: string, url: string) => void
  /** Called when a transient failure is retried. */
  onRetry?: (message: string) => void
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504])
const MAX_BODY = 64 * 1024 * 1024

/** Parses Retry-After (seconds or HTTP date) or Docker Hub's X-Retry-After (unix seconds) into ms. */
export function retryAfterMs(headers: { get(name: string): string | null }, now: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim()
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000
    // An HTTP date names a weekday and a month (RFC 9110); V8's Date.parse would take "1.5" or "-3".
    const date = /^[A-Za-z]{3}/.test(retryAfter) ? Date.parse(retryAfter) : NaN
    if (!Number.isNaN(date)) return Math.max(0, date - now)
  }
  const xRetryAfter = headers.get('x-retry-after')?.trim()
  if (xRetryAfter && /^\d+$/.test(xRetryAfter)) return Math.max(0, Number(xRetryAfter) * 1000 - now)
  return undefined
}

/** Parses `Bearer realm="…",service="…",scope="…"`. */
export function parseBearerChallenge(header: string | null): Record<string, string> | undefined {
  if (!header || !/^bearer\s/i.test(header)) return undefined
  const params: Record<string, string> = {}
  for (const m of header.slice(7).matchAll(/([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) {
    params[m[1].toLowerCase()] = m[2] ?? m[3]
  }
  return params.realm ? params : undefined
}

function describeStatus(status: number): string {
  return `${status}${http.STATUS_CODES[status] ? ' ' + http.STATUS_CODES[status] : ''}`
}

class Transient extends Error {
  constructor(
    message: string,
    readonly waitMs?: number,
    readonly status?: number
  ) {
    super(message)
  }
}

export class HttpClient {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 8 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 8 })
  }
  /** Registry tokens by realm, service, scope and user; each valid until its expires_in. */
  private readonly tokens = new Map<string, { token: Promise<string>; expiresAt: number }>()
  /** Which token a registry repository (origin + /v2/<name>) was last granted, to send it up front. */
  private readonly grants = new Map<string, string>()
  /** Aborted by close(): requests still in flight end at once and are not retried. */
  private readonly closing = new AbortController()
  private readonly sleep: (ms: number) => Promise<void>
  private readonly now: () => number
  requests = 0

  constructor(
    readonly tuning: HttpTuning,
    private readonly hooks: HttpHooks = {}
  ) {
    this.sleep = hooks.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.now = hooks.now ?? Date.now
  }

  close(): void {
    this.closing.abort()
    this.agents.http.destroy()
    this.agents.https.destroy()
  }

  async get(url: string, options: GetOptions): Promise<HttpAnswer> {
    const grant = options.challenge ? grantKey(url) : undefined
    let token = grant ? await this.grantedToken(grant) : undefined
    let answeredChallenge = false
    for (let attempt = 0; ; attempt++) {
      const headers = { ...options.headers }
      if (token) headers.authorization = `Bearer ${token}`
      let answer: HttpAnswer
      try {
        answer = await this.attempt(url, options, headers)
      } catch (err) {
        if (!(err instanceof Transient)) throw err
        if (this.closing.signal.aborted) throw new HttpError(`Cancelled: ${options.what}`, url)
        if (attempt >= this.tuning.retries) {
          throw new HttpError(
            `Could not fetch ${options.what}: ${err.message} (${attempt + 1} attempts, giving up). URL: ${url}. ` +
              `${options.hint ?? 'The registry may be down or rate-limiting; try again later.'}`,
            url,
            err.status
          )
        }
        const wait = err.waitMs ?? this.tuning.backoffMs * 2 ** attempt
        if (wait > this.tuning.maxRetryAfterMs) {
          throw new HttpError(
            `Could not fetch ${options.what}: ${err.message}, and the registry asks to wait ` +
              `${Math.ceil(wait / 1000)} s, more than the ${Math.ceil(this.tuning.maxRetryAfterMs / 1000)} s this run allows. ` +
              `URL: ${url}. ${options.hint ?? 'Try again later.'}`,
            url,
            err.status
          )
        }
        this.hooks.onRetry?.(
          `${err.message} from ${url}; retrying in ${wait} ms (${attempt + 1}/${this.tuning.retries})`
        )
        await this.sleep(wait)
        continue
      }
      if (answer.status === 401 && options.challenge && !answeredChallenge) {
        const challenge = parseBearerChallenge(answer.headers.get('www-authenticate'))
        if (challenge) {
          answeredChallenge = true
          // A token sent with this request was refused (expired or out of scope): get a fresh one.
          token = await this.token(challenge, options.credentials, options.hint, grant, token !== undefined)
          attempt--
          continue
        }
      }
      if ((answer.status >= 200 && answer.status < 300) || options.accept?.includes(answer.status)) return answer
      const detail = answer.body.toString('utf8', 0, 200).replace(/\s+/g, ' ').trim()
      const advice =
        answer.status === 401 || answer.status === 403
          ? 'Check the registry credentials (DOCKERHUB_USERNAME/DOCKERHUB_TOKEN, QUAY_USERNAME/QUAY_TOKEN, or the auths of REGISTRY_AUTH_FILE or ~/.docker/config.json for other registries) and that the repository exists and is readable.'
          : answer.status === 404
            ? 'Check the image name and that the repository and tag exist.'
            : (options.hint ?? 'Try again later.')
      throw new HttpError(
        `Could not fetch ${options.what}: ${options.method ?? 'GET'} ${url} answered ${describeStatus(answer.status)}` +
          `${detail ? ` (${detail.slice(0, 160)})` : ''}. ${advice}`,
        url,
        answer.status
      )
    }
  }

  /** GET and parse JSON; the message names the URL when the body is not JSON. */
  async getJson<T = unknown>(url: string, options: GetOptions): Promise<{ answer: HttpAnswer; json: T }> {
    const answer = await this.get(url, options)
    return { answer, json: parseJson<T>(answer, options.what) }
  }

  private async attempt(url: string, options: GetOptions, headers: Record<string, string>): Promise<HttpAnswer> {
    const controller = new AbortController()
    const onAbort = () => controller.abort()
    options.signal?.addEventListener('abort', onAbort)
    this.closing.signal.addEventListener('abort', onAbort)
    const timer = setTimeout(() => controller.abort(), this.tuning.timeoutMs)
    const method = options.method ?? 'GET'
    this.requests++
    this.hooks.onRequest?.(method, url)
    try {
      const res: Response = await fetch(url, {
        method,
        headers: { 'user-agent': 'kindnet-updater', ...headers },
        body: options.body,
        signal: controller.signal,
        size: MAX_BODY,
        agent: (parsed: URL) => (parsed.protocol === 'http:' ? this.agents.http : this.agents.https)
      })
      const body = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer())
      if (RETRY_STATUSES.has(res.status) || (res.status >= 500 && res.status <= 599)) {
        const wait = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers, this.now()) : undefined
        throw new Transient(`${method} answered ${describeStatus(res.status)}`, wait, res.status)
      }
      return { url, status: res.status, headers: res.headers, body }
    } catch (err) {
      if (err instanceof Transient) throw err
      if (options.signal?.aborted || this.closing.signal.aborted) throw new HttpError(`Cancelled: ${options.what}`, url)
      if (controller.signal.aborted) throw new Transient(`no complete answer within ${this.tuning.timeoutMs} ms`)
      if (err instanceof FetchError && err.type === 'max-size') {
        throw new HttpError(
          `Could not fetch ${options.what}: the answer from ${url} is larger than ${MAX_BODY} bytes.`,
          url
        )
      }
      if (err instanceof FetchError || (err instanceof Error && 'code' in err)) {
        const code = (err as { code?: string }).code
        throw new Transient(`connection failed (${code ?? err.message})`)
      }
      throw err
    } finally {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      this.closing.signal.removeEventListener('abort', onAbort)
    }
  }

  private async grantedToken(grant: string): Promise<string | undefined> {
    const key = this.grants.get(grant)
    const entry = key ? this.tokens.get(key) : undefined
    if (!entry || entry.expiresAt <= this.now()) return undefined
    return entry.token.catch(() => undefined)
  }

  private token(
    challenge: Record<string, string>,
    credentials: Credentials | undefined,
    hint: string | undefined,
    grant: string | undefined,
    refresh: boolean
  ): Promise<string> {
    let realm: URL
    try {
      realm = new URL(challenge.realm)
    } catch {
      realm = new URL('invalid:')
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      return Promise.reject(
        new HttpError(`The registry's token realm '${challenge.realm}' is not an http(s) URL.`, challenge.realm)
      )
    }
    if (challenge.service) realm.searchParams.set('service', challenge.service)
    if (challenge.scope) realm.searchParams.set('scope', challenge.scope)
    const key = `${realm.href} ${credentials?.username ?? ''}`
    if (grant) this.grants.set(grant, key)
    const cached = this.tokens.get(key)
    if (cached && !refresh && cached.expiresAt > this.now()) return cached.token
    const headers: Record<string, string> = {}
    if (credentials) {
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
    }
    const entry = { token: Promise.resolve(''), expiresAt: Infinity }
    entry.token = this.getJson<{ token?: string; access_token?: string; expires_in?: number }>(realm.href, {
      what: `a registry token${challenge.scope ? ` for ${challenge.scope}` : ''}`,
      headers,
      hint
    }).then(({ json }) => {
      const token = json?.token ?? json?.access_token
      if (typeof token !== 'string' || token === '') {
        throw new HttpError(`The token service ${realm.origin}${realm.pathname} answered without a token.`, realm.href)
      }
      // The spec's default lifetime is 60 s; renew 10 s early.
      const lifetime = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60
      entry.expiresAt = this.now() + Math.max(0, lifetime - 10) * 1000
      return token
    })
    entry.token.catch(() => this.tokens.delete(key))
    this.tokens.set(key, entry)
    return entry.token
  }
}

/** origin + /v2/<name> of a registry API URL (the scope a token is granted for). */
function grantKey(url: string): string | undefined {
  const parsed = new URL(url)
  const m = /^(\/v2\/.+?)\/(?:manifests|blobs|tags)\//.exec(parsed.pathname)
  return m ? parsed.origin + m[1] : undefined
}

export function parseJson<T>(answer: HttpAnswer, what: string): T {
  const text = answer.body.toString('utf8')
  try {
    return JSON.parse(text) as T
  } catch {
    const type = answer.headers.get('content-type') ?? 'no content type'
    const start = text.slice(0, 80).replace(/\s+/g, ' ').trim()
    throw new HttpError(
      `Could not read ${what}: ${answer.url} answered ${answer.status} with a body that is not JSON ` +
        `(${type}, ${answer.body.length} bytes, starting '${start}'). The registry may be failing or its API changed; try again later.`,
      answer.url,
      answer.status
    )
  }
}
