import * as path from 'node:path'
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { UsageError } from './errors.js'
import { DOCKER_HUB, type ImageRef, isRegistryHost, parseImageRef } from './reference.js'

/** The two architectures MicroShift ships, named as the RPM build names them. */
export const ARCHES = ['x86_64', 'aarch64'] as const
export type Arch = (typeof ARCHES)[number]
/** OCI platform architecture for each RPM architecture. */
export const OCI_ARCH: Record<Arch, string> = { x86_64: 'amd64', aarch64: 'arm64' }

export const MISSING_ARCH_POLICIES = ['fallback', 'keep', 'fail'] as const
export type MissingArchPolicy = (typeof MISSING_ARCH_POLICIES)[number]

export const DEFAULTS = {
  assetsDir: 'src/kindnet/assets',
  kubeProxyVersion: '4.20.0-okd-scos',
  kindnetImage: 'docker.io/kindest/kindnetd',
  kubeProxyImage: 'quay.io/okd/scos-content',
  podSubnet: '10.244.0.0/16',
  clusterCidr: '10.42.0.0/16',
  missingArch: 'fallback' as MissingArchPolicy,
  dockerHubUrl: 'https://registry.hub.docker.com',
  quayUrl: 'https://quay.io'
}

export interface Credentials {
  username: string
  password: string
}

/** Bounds of every registry request; see README "Retries and time bounds". */
export interface HttpTuning {
  /** Per-request timeout (headers and body), ms. */
  timeoutMs: number
  /** Retries after the first attempt for a transient failure. */
  retries: number
  /** First back-off, doubled on each retry, ms. */
  backoffMs: number
  /** Longest Retry-After / X-Retry-After honoured, ms; a longer one fails at once. */
  maxRetryAfterMs: number
}

export const DEFAULT_HTTP: HttpTuning = { timeoutMs: 30_000, retries: 4, backoffMs: 1_000, maxRetryAfterMs: 60_000 }

/** Every option of a run, as the CLI flags and the action inputs name them; strings as typed. */
export interface RawOptions {
  assetsDir?: string
  kubeProxyVersion?: string
  kindnetImage?: string
  kubeProxyImage?: string
  podSubnet?: string
  clusterCidr?: string
  missingArch?: string
  dockerHubUrl?: string
  quayUrl?: string
  /** HOST=URL entries. */
  registryUrls?: string[]
  force?: boolean
}

export interface Settings {
  assetsDir: string
  kubeProxyVersion: string
  kindnetImage: ImageRef
  kubeProxyImage: ImageRef
  podSubnet: string
  clusterCidr: string
  missingArch: MissingArchPolicy
  dockerHubUrl: string
  quayUrl: string
  /** Registry host → base URL of its OCI v2 API (explicit entries only). */
  registryUrls: Record<string, string>
  /** Registry host → credentials (docker.io also covers the Hub API, quay.io the Quay API). */
  credentials: Record<string, Credentials>
  force: boolean
  http: HttpTuning
}

const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

export function checkVersion(value: string): string {
  const expected =
    'Expected 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit, ' +
    'e.g. 4.20.0-okd-scos (Quay) or v1.34 (other registries).'
  if (value.length === 0 || value.length > 64 || !VERSION_RE.test(value) || value.includes('..')) {
    throw new UsageError(`Invalid kube-proxy version '${value}'. ${expected}`)
  }
  return value
}

export function checkCidr(value: string, what: string): string {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value)
  const family = m && !m[1].includes('%') ? isIP(m[1]) : 0
  const bits = m ? Number(m[2]) : NaN
  const ok = family === 4 ? bits <= 32 : family === 6 ? bits <= 128 : false
  // isIP accepts IPv4 without leading-zero checks; refuse leading zeros, they read as octal to some tools.
  if (!ok || (family === 4 && /(^|\.)0\d/.test(m![1]))) {
    throw new UsageError(
      `Invalid ${what} '${value}'. Expected a CIDR such as 10.244.0.0/16 (IPv4 /0-/32 or IPv6 /0-/128).`
    )
  }
  return value
}

/** A value for messages, with any user:password@ replaced: credentials never reach a log. */
function redact(value: string): string {
  return value.replace(/\/\/[^/@\s]*@/, '//***@')
}

export function checkUrl(value: string, what: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`Invalid ${what} '${redact(value)}'. Expected an http:// or https:// URL.`)
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username ||
    url.password ||
    url.search ||
    url.hash
  ) {
    throw new UsageError(
      `Invalid ${what} '${redact(value)}'. Expected an http:// or https:// URL without credentials, query or fragment.`
    )
  }
  return url.href.replace(/\/+$/, '')
}

export function parseRegistryUrl(entry: string): [string, string] {
  const eq = entry.indexOf('=')
  const host = eq > 0 ? entry.slice(0, eq).trim() : ''
  if (eq <= 0 || !isRegistryHost(host)) {
    throw new UsageError(
      `Invalid registry URL '${redact(entry)}'. Expected HOST=URL, e.g. registry.k8s.io=https://registry.k8s.io.`
    )
  }
  return [host, checkUrl(entry.slice(eq + 1).trim(), `registry URL for ${host}`)]
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

function credentialsFrom(env: NodeJS.ProcessEnv, user: string, token: string): Credentials | undefined {
  const username = nonEmpty(env[user])
  const password = nonEmpty(env[token])
  if (!username && !password) return undefined
  if (!username || !password) {
    throw new UsageError(`Incomplete registry credentials: set both ${user} and ${token}, or neither.`)
  }
  return { username, password }
}

/**
 * Per-host credentials from a Docker or Podman auth file: REGISTRY_AUTH_FILE, else
 * $DOCKER_CONFIG/config.json, else ~/.docker/config.json. `auths[host].auth` is base64 of
 * user:password (credential helpers are not run). A missing file is no error; a broken one is.
 */
export function authFileCredentials(env: NodeJS.ProcessEnv): Record<string, Credentials> {
  const file =
    nonEmpty(env.REGISTRY_AUTH_FILE) ??
    (nonEmpty(env.DOCKER_CONFIG)
      ? path.join(env.DOCKER_CONFIG!, 'config.json')
      : env.HOME
        ? path.join(env.HOME, '.docker', 'config.json')
        : undefined)
  if (!file) return {}
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return {}
  }
  let doc: { auths?: Record<string, { auth?: string; username?: string; password?: string }> }
  try {
    doc = JSON.parse(text)
  } catch {
    throw new UsageError(
      `Invalid registry auth file '${file}': it is not JSON. Expected {"auths": {"HOST": {"auth": "…"}}}.`
    )
  }
  const result: Record<string, Credentials> = {}
  for (const [key, entry] of Object.entries(doc?.auths ?? {})) {
    // Keys are hosts, or URLs such as https://index.docker.io/v1/.
    let host = key.replace(/^https?:\/\//, '').split('/')[0]
    if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = DOCKER_HUB
    let username = entry?.username
    let password = entry?.password
    if (typeof entry?.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)]
    }
    if (host && username && password) result[host] = { username, password }
  }
  return result
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = nonEmpty(env[name])
  if (raw === undefined) return fallback
  if (!/^\d{1,9}$/.test(raw)) throw new UsageError(`Invalid ${name} '${raw}'. Expected a whole number.`)
  return Number(raw)
}

export function httpTuningFromEnv(env: NodeJS.ProcessEnv): HttpTuning {
  return {
    timeoutMs: intFromEnv(env, 'KINDNET_UPDATER_TIMEOUT_MS', DEFAULT_HTTP.timeoutMs),
    retries: intFromEnv(env, 'KINDNET_UPDATER_RETRIES', DEFAULT_HTTP.retries),
    backoffMs: intFromEnv(env, 'KINDNET_UPDATER_BACKOFF_MS', DEFAULT_HTTP.backoffMs),
    maxRetryAfterMs: intFromEnv(env, 'KINDNET_UPDATER_MAX_RETRY_AFTER_MS', DEFAULT_HTTP.maxRetryAfterMs)
  }
}

/**
 * Validates every option and builds the settings of a run. Throws UsageError naming the value
 * and what was expected; makes no request.
 */
export function buildSettings(raw: RawOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Settings {
  const missingArch = nonEmpty(raw.missingArch) ?? DEFAULTS.missingArch
  if (!(MISSING_ARCH_POLICIES as readonly string[]).includes(missingArch)) {
    throw new UsageError(
      `Invalid missing-arch policy '${missingArch}'. Expected one of: ${MISSING_ARCH_POLICIES.join(', ')}.`
    )
  }
  const registryUrls: Record<string, string> = {}
  for (const entry of raw.registryUrls ?? []) {
    if (entry.trim() === '') continue
    const [host, url] = parseRegistryUrl(entry.trim())
    registryUrls[host] = url
  }
  const credentials: Record<string, Credentials> = {}
  const hub = credentialsFrom(env, 'DOCKERHUB_USERNAME', 'DOCKERHUB_TOKEN')
  if (hub) credentials[DOCKER_HUB] = hub
  const quay = credentialsFrom(env, 'QUAY_USERNAME', 'QUAY_TOKEN')
  if (quay) credentials['quay.io'] = quay
  // Any other registry: the auths of a Docker/Podman auth file (the variables above win).
  for (const [host, creds] of Object.entries(authFileCredentials(env))) credentials[host] ??= creds
  const assetsDir = nonEmpty(raw.assetsDir) ?? DEFAULTS.assetsDir
  if (assetsDir.includes('\0')) throw new UsageError(`Invalid assets directory '${assetsDir}'.`)
  return {
    assetsDir: path.resolve(cwd, assetsDir),
    kubeProxyVersion: checkVersion(
      nonEmpty(raw.kubeProxyVersion) ?? nonEmpty(env.KUBE_PROXY_VERSION) ?? DEFAULTS.kubeProxyVersion
    ),
    kindnetImage: parseImageRef(nonEmpty(raw.kindnetImage) ?? DEFAULTS.kindnetImage, 'kindnet image'),
    kubeProxyImage: parseImageRef(nonEmpty(raw.kubeProxyImage) ?? DEFAULTS.kubeProxyImage, 'kube-proxy image'),
    podSubnet: checkCidr(nonEmpty(raw.podSubnet) ?? DEFAULTS.podSubnet, 'pod subnet'),
    clusterCidr: checkCidr(nonEmpty(raw.clusterCidr) ?? DEFAULTS.clusterCidr, 'cluster CIDR'),
    missingArch: missingArch as MissingArchPolicy,
    dockerHubUrl: checkUrl(nonEmpty(raw.dockerHubUrl) ?? DEFAULTS.dockerHubUrl, 'Docker Hub URL'),
    quayUrl: checkUrl(nonEmpty(raw.quayUrl) ?? DEFAULTS.quayUrl, 'Quay URL'),
    registryUrls,
    credentials,
    force: raw.force === true,
    http: httpTuningFromEnv(env)
  }
}

/** Where the OCI v2 API of a registry host is reached. */
export function registryUrlFor(settings: Pick<Settings, 'registryUrls'>, host: string): string {
  return settings.registryUrls[host] ?? (host === DOCKER_HUB ? 'https://registry-1.docker.io' : `https://${host}`)
}
