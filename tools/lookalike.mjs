// A local look-alike of Docker Hub's Hub API, Quay.io's API v1 and the OCI distribution v2
// registry API, serving recorded (or generated) data on 127.0.0.1. Used by the jest tests,
// `npm run demo` and the benchmark. Plain ESM, node built-ins only.
// Data shape and answer shapes: __fixtures__/registry/README.md.

import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import http from 'node:http'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const DEFAULT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__', 'registry')

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
const LIST_TYPES = new Set([OCI_INDEX, DOCKER_LIST])
const MANIFEST_TYPES = new Set([OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST])

const sha256 = (bytes) => 'sha256:' + createHash('sha256').update(bytes).digest('hex')

/** The CLI flags that point every registry role (Hub API, Quay API, both v2 registries) at `url`. */
export function cliFlags(url) {
  return [
    '--docker-hub-url',
    url,
    '--quay-url',
    url,
    '--registry-url',
    `docker.io=${url}`,
    '--registry-url',
    `quay.io=${url}`
  ]
}

/** Reads __fixtures__/registry (or `dir`) into a fresh data object; every blob is hash-checked. */
export function loadRecordedData(dir = DEFAULT_DIR) {
  const json = (name) => JSON.parse(readFileSync(join(dir, name), 'utf8'))
  const index = json('oci-index.json')
  const blobs = new Map()
  for (const file of readdirSync(join(dir, 'blobs'))) {
    const bytes = readFileSync(join(dir, 'blobs', file))
    const digest = file.replace(/^sha256-/, 'sha256:')
    if (sha256(bytes) !== digest) throw new Error(`blob ${file} does not hash to its name`)
    blobs.set(digest, bytes)
  }
  return {
    hub: json('docker-hub-tags.json').repositories,
    quay: json('quay-tags.json').repositories,
    oci: { tags: index.tags, mediaTypes: index.mediaTypes },
    blobs
  }
}

// ---------------------------------------------------------------------------------------------
// Synthetic data

function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const rfc2822 = (ts) => new Date(ts * 1000).toUTCString().replace('GMT', '-0000')

/**
 * Synthetic data of the recorded shape. `expected` (extra key) names the newest kindnet tag and
 * the newest kube-proxy release of `kubeProxyVersion` with their digests.
 */
export function generateData({
  kubeProxyTags = 500,
  kindnetTags = 10,
  seed = 1,
  kubeProxyVersion = '4.20.0-okd-scos'
} = {}) {
  const rand = mulberry32(seed)
  const hex = (n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('')
  const blobs = new Map()
  const mediaTypes = {}
  const put = (value, mediaType, indent = 2) => {
    const bytes = Buffer.from(JSON.stringify(value, null, indent))
    const digest = sha256(bytes)
    blobs.set(digest, bytes)
    mediaTypes[digest] = mediaType
    return { digest, size: bytes.length }
  }
  const image = (arch, manifestType, extra) => {
    const docker = manifestType === DOCKER_MANIFEST
    const configType = docker ? 'application/vnd.docker.container.image.v1+json' : OCI_CONFIG
    const config = put(
      { architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(extra)] } },
      configType,
      0
    )
    const layerType = docker
      ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
      : 'application/vnd.oci.image.layer.v1.tar+gzip'
    const layer = { mediaType: layerType, digest: sha256('layer' + extra), size: 1234 }
    const body = {
      schemaVersion: 2,
      mediaType: manifestType,
      config: { mediaType: configType, ...config },
      layers: [layer]
    }
    return put(body, manifestType)
  }

  // kindnet: tags v<YYYYMMDD>-<8 hex>, newest first, each an OCI index (amd64, arm64/v8, attestation)
  const hubTags = []
  const kindnetOci = {}
  const base = Date.UTC(2025, 4, 12, 20, 21, 56)
  for (let i = 0; i < kindnetTags; i++) {
    const when = new Date(base - i * 37 * 86400000)
    const name = `v${when.toISOString().slice(0, 10).replace(/-/g, '')}-${hex(8)}`
    const amd64 = image('amd64', OCI_MANIFEST, name + 'amd64')
    const arm64 = image('arm64', OCI_MANIFEST, name + 'arm64')
    const att = image('unknown', OCI_MANIFEST, name + 'attestation')
    const entry = (m, platform, annotations) => ({
      mediaType: OCI_MANIFEST,
      digest: m.digest,
      size: m.size,
      ...(annotations ? { annotations } : {}),
      platform
    })
    const index = put(
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          entry(amd64, { architecture: 'amd64', os: 'linux' }),
          entry(arm64, { architecture: 'arm64', os: 'linux', variant: 'v8' }),
          entry(
            att,
            { architecture: 'unknown', os: 'unknown' },
            { 'vnd.docker.reference.digest': amd64.digest, 'vnd.docker.reference.type': 'attestation-manifest' }
          )
        ]
      },
      OCI_INDEX
    )
    kindnetOci[name] = index.digest
    const iso = when.toISOString().replace('Z', '000Z')
    const img = (arch, variant, m) => ({
      architecture: arch,
      features: '',
      variant,
      digest: m.digest,
      os: 'linux',
      os_features: '',
      os_version: null,
      size: 30000000,
      status: 'active',
      last_pulled: '2026-11-30T10:00:00.000000Z',
      last_pushed: iso
    })
    hubTags.push({
      creator: 7019934,
      id: 1000 + i,
      images: [img('amd64', null, amd64), img('arm64', 'v8', arm64)],
      last_updated: iso,
      last_updater: 7019934,
      last_updater_username: 'kindest',
      name,
      repository: 8134652,
      full_size: 30000000,
      v2: true,
      tag_status: 'active',
      tag_last_pulled: '2026-11-30T10:00:00.000000Z',
      tag_last_pushed: iso,
      media_type: OCI_INDEX,
      content_type: 'image',
      digest: index.digest
    })
  }

  // kube-proxy: versions around kubeProxyVersion, round-robin counts, target first
  const m = /^(\d+)\.(\d+)\.0(-.*)$/.exec(kubeProxyVersion)
  if (!m) throw new Error(`kubeProxyVersion '${kubeProxyVersion}' is not like 4.20.0-okd-scos`)
  const [major, minor, suffix] = [Number(m[1]), Number(m[2]), m[3]]
  const ver = (mn) => `${major}.${mn}.0${suffix}`
  const releaseVersions = [minor, minor - 1, minor - 2, minor - 3].filter((mn) => mn >= 0)
  const counts = new Map([...releaseVersions, minor + 1].map((mn) => [mn, 0]))
  const order = [...releaseVersions, minor + 1]
  for (let i = 0, j = 0; i < kubeProxyTags; j++) {
    const mn = order[j % order.length]
    if (mn === minor + 1 && counts.get(mn) >= 3) continue
    counts.set(mn, counts.get(mn) + 1)
    i++
  }
  const names = []
  for (const [mn, c] of counts) {
    if (mn === minor + 1) {
      for (let k = 1; k <= c; k++) names.push(`${ver(mn)}.ec.${k}-kube-proxy`)
      continue
    }
    const pre = Math.floor(c * 0.15)
    const rc = Math.min(3, Math.floor(pre / 3))
    for (let k = 1; k <= pre - rc; k++) names.push(`${ver(mn)}.ec.${k}-kube-proxy`)
    for (let k = 1; k <= rc; k++) names.push(`${ver(mn)}.rc.${k}-kube-proxy`)
    for (let k = 0; k < c - pre; k++) names.push(`${ver(mn)}.${k}-kube-proxy`)
  }
  for (let i = names.length - 1; i > 0; i--) {
    const k = Math.floor(rand() * (i + 1))
    ;[names[i], names[k]] = [names[k], names[i]]
  }
  const rows = []
  const kubeOci = {}
  const now = 1759913600
  names.forEach((name, i) => {
    const amd64 = image('amd64', DOCKER_MANIFEST, name)
    const list = put(
      {
        schemaVersion: 2,
        mediaType: DOCKER_LIST,
        manifests: [
          {
            mediaType: DOCKER_MANIFEST,
            size: amd64.size,
            digest: amd64.digest,
            platform: { architecture: 'amd64', os: 'linux' }
          }
        ]
      },
      DOCKER_LIST,
      3
    )
    kubeOci[name] = list.digest
    const start_ts = now - i * 25200
    rows.push({
      name,
      reversion: false,
      start_ts,
      manifest_digest: list.digest,
      is_manifest_list: true,
      size: null,
      last_modified: rfc2822(start_ts)
    })
  })
  const releases = (c) => c - Math.floor(c * 0.15)
  const newestTag = `${kubeProxyVersion}.${releases(counts.get(minor)) - 1}-kube-proxy`
  const newestList = JSON.parse(blobs.get(kubeOci[newestTag]).toString('utf8'))
  return {
    hub: { 'kindest/kindnetd': hubTags },
    quay: { 'okd/scos-content': rows },
    oci: { tags: { 'kindest/kindnetd': kindnetOci, 'okd/scos-content': kubeOci }, mediaTypes },
    blobs,
    expected: {
      kindnet: hubTags.length
        ? {
            tag: hubTags[0].name,
            digest: hubTags[0].digest,
            amd64: hubTags[0].images[0].digest,
            arm64: hubTags[0].images[1].digest
          }
        : undefined,
      kubeProxy: counts.get(minor)
        ? { tag: newestTag, digest: kubeOci[newestTag], amd64: newestList.manifests[0].digest }
        : undefined
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Server

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const blobOf = (data, digest) => (data.blobs instanceof Map ? data.blobs.get(digest) : data.blobs?.[digest])
const truthy = (v) => ['true', '1', 'yes', 'y', 't'].includes(String(v ?? '').toLowerCase())
const int = (v, dflt) => (v !== null && /^-?\d+$/.test(v) ? Number(v) : dflt)

/** Starts the look-alike on 127.0.0.1:<random port>. */
export async function startLookalike({
  data = loadRecordedData(),
  latencyMs = 0,
  fault = undefined,
  auth = 'anonymous'
} = {}) {
  const log = []
  const counts = new Map()
  const tokens = new Map() // token -> { repos: Set, expires }
  const credentials = auth && typeof auth === 'object' ? auth : undefined
  const hubTokens = new Set()
  let manifestPulls = 0
  let url = ''

  const json = (status, body, headers = {}) => ({
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body)
  })
  const v2error = (status, code, message, detail, headers = {}) =>
    json(
      status,
      { errors: [{ code, message, detail }] },
      { 'Docker-Distribution-Api-Version': 'registry/2.0', ...headers }
    )
  const quayError = (status, type, message) =>
    json(status, {
      detail: message,
      error_message: message,
      error_type: type,
      status,
      title: type,
      type: `${url}/api/v1/error/${type}`
    })
  const quayNotFound = () =>
    json(404, {
      detail: 'Not Found',
      error_message: 'Not Found',
      status: 404,
      title: 'not_found',
      type: `${url}/api/v1/error/not_found`
    })
  const hubNotFound = (message = 'object not found', errinfo = {}) => json(404, { message, errinfo })

  function bearer(req) {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    return m?.[1]
  }

  function basicOk(req) {
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    if (!credentials) return true
    if (!m) return false
    const [user, ...rest] = Buffer.from(m[1], 'base64').toString('utf8').split(':')
    return user === credentials.username && rest.join(':') === credentials.password
  }

  // GET /token?service=&scope=repository:<name>:pull (distribution token spec)
  function token(req, query) {
    if (!basicOk(req))
      return json(401, { details: 'incorrect username or password' }, { 'WWW-Authenticate': 'Basic realm="lookalike"' })
    const repos = new Set()
    for (const scope of query.getAll('scope').flatMap((s) => s.split(' '))) {
      const m = /^repository:(.+):([a-z,*]+)$/.exec(scope)
      if (m && /(^|,)(pull|\*)(,|$)/.test(m[2])) repos.add(m[1])
    }
    const t = 'lookalike.' + randomBytes(16).toString('hex')
    tokens.set(t, { repos, expires: Date.now() + 300_000 })
    return json(200, { token: t, access_token: t, expires_in: 300, issued_at: new Date().toISOString() })
  }

  // null when allowed, else the 401 answer. repo undefined = the /v2/ base check.
  function ociAuth(req, repo) {
    const t = tokens.get(bearer(req))
    const valid = t && t.expires > Date.now()
    if (valid && (repo === undefined || t.repos.has(repo))) return null
    let challenge = `Bearer realm="${url}/token",service="lookalike"`
    if (repo !== undefined) challenge += `,scope="repository:${repo}:pull"${valid ? ',error="insufficient_scope"' : ''}`
    const detail = repo === undefined ? null : [{ Type: 'repository', Class: '', Name: repo, Action: 'pull' }]
    return v2error(401, 'UNAUTHORIZED', 'authentication required', detail, { 'WWW-Authenticate': challenge })
  }

  function hub(req, query, repo, tag) {
    if (credentials && !hubTokens.has(bearer(req)))
      return json(401, { message: 'authentication required', errinfo: {} })
    const tags = data.hub?.[repo]
    if (!tags) return hubNotFound()
    const [ns, name] = repo.split('/')
    if (tag !== undefined) {
      const found = tags.find((t) => t.name === tag)
      if (found) return json(200, found)
      return hubNotFound(`httperror 404: tag '${tag}' not found`, {
        api_call_docker_id: '',
        api_call_name: 'GetRepositoryTag',
        api_call_start: new Date().toISOString(),
        api_call_txnid: randomBytes(16).toString('hex'),
        namespace: ns,
        repository: name,
        tag
      })
    }
    let rows = tags.filter((t) => !query.get('name') || t.name.includes(query.get('name')))
    const ordering = query.get('ordering')
    const key = ordering?.replace(/^-/, '')
    if (key === 'last_updated' || key === 'name') {
      const desc = (key === 'last_updated') !== ordering.startsWith('-')
      const cmp = (a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0)
      rows = [...rows].sort((a, b) => (desc ? cmp(b, a) : cmp(a, b)))
    }
    const pageSize = Math.min(100, Math.max(1, int(query.get('page_size'), 10)))
    const page = int(query.get('page'), 1)
    const pages = Math.max(1, Math.ceil(rows.length / pageSize))
    if (page < 1 || page > pages) return hubNotFound()
    const link = (p) => {
      if (p < 1 || p > pages) return null
      const q = new URLSearchParams(query)
      if (p === 1) q.delete('page')
      else q.set('page', String(p))
      q.sort()
      return `${url}${req.url.split('?')[0]}?${q}`
    }
    return json(200, {
      count: rows.length,
      next: link(page + 1),
      previous: link(page - 1),
      results: rows.slice((page - 1) * pageSize, page * pageSize)
    })
  }

  function hubLogin(req, body) {
    let b
    try {
      b = JSON.parse(body.toString('utf8'))
    } catch {
      return json(400, { message: 'invalid JSON body', errinfo: {} })
    }
    if (credentials && (b?.identifier !== credentials.username || b?.secret !== credentials.password))
      return json(401, { message: 'incorrect username or password', errinfo: {} })
    const t = 'hub.' + randomBytes(16).toString('hex')
    hubTokens.add(t)
    return json(200, { access_token: t })
  }

  function quayAuth(req) {
    if (credentials && bearer(req) !== credentials.password)
      return quayError(401, 'invalid_token', 'Requires authentication')
    return null
  }

  function quayTags(req, query, repo) {
    const rows = data.quay?.[repo]
    if (!rows) return quayNotFound()
    const page = Math.max(1, int(query.get('page'), 1))
    const limit = Math.min(100, Math.max(1, int(query.get('limit'), 50)))
    let list = [...rows].sort(
      (a, b) => (b.start_ts ?? 0) - (a.start_ts ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    )
    const filter = query.get('filter_tag_name')
    if (filter) {
      const i = filter.indexOf(':')
      if (i < 0)
        return quayError(
          400,
          'invalid_request',
          "Unsupported syntax for filter_tag_name. Expected <operation>:<tag_name> where <operation>can be 'like' or 'eq'."
        )
      const [op, value] = [filter.slice(0, i), filter.slice(i + 1)]
      if (op === 'like') list = list.filter((r) => r.name.includes(value))
      else if (op === 'eq') list = list.filter((r) => r.name === value)
    }
    if (query.get('specificTag')) list = list.filter((r) => r.name === query.get('specificTag'))
    if (truthy(query.get('onlyActiveTags'))) {
      const now = Date.now() / 1000
      list = list.filter((r) => r.end_ts === undefined || r.end_ts === null || r.end_ts > now)
    }
    const slice = list.slice((page - 1) * limit, page * limit + 1)
    return json(200, { tags: slice.slice(0, limit), page, has_additional: slice.length > limit })
  }

  function quayManifest(repo, digest) {
    const bytes = blobOf(data, digest)
    const type = data.oci?.mediaTypes?.[digest]
    if (!data.quay?.[repo] || !bytes || !MANIFEST_TYPES.has(type)) return quayNotFound()
    const text = bytes.toString('utf8')
    const isList = LIST_TYPES.has(type)
    let parsed = {}
    try {
      parsed = JSON.parse(text)
    } catch {
      // served as stored
    }
    const layers = isList
      ? null
      : (parsed.layers ?? []).map((l, index) => ({
          index,
          compressed_size: l.size,
          is_remote: false,
          urls: l.urls ?? null,
          command: null,
          comment: null,
          author: null,
          blob_digest: l.digest,
          created_datetime: null
        }))
    return json(200, {
      digest,
      is_manifest_list: isList,
      manifest_data: text,
      config_media_type: isList ? null : (parsed.config?.mediaType ?? null),
      layers_compressed_size: isList ? null : (parsed.layers ?? []).reduce((s, l) => s + (l.size ?? 0), 0),
      layers
    })
  }

  function manifest(req, repo, ref) {
    const repoTags = data.oci?.tags?.[repo]
    if (!repoTags) return v2error(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name: repo })
    const digest = ref.startsWith('sha256:') ? ref : repoTags[ref]
    const bytes = digest && blobOf(data, digest)
    const type = digest && data.oci.mediaTypes?.[digest]
    const detail = ref.startsWith('sha256:') ? { Revision: ref } : { Tag: ref }
    if (!bytes || !MANIFEST_TYPES.has(type)) return v2error(404, 'MANIFEST_UNKNOWN', 'manifest unknown', detail)
    const accepted = (req.headers.accept ?? '').split(',').map((s) => s.split(';')[0].trim())
    if (LIST_TYPES.has(type) && !accepted.includes(type)) {
      const what = type === OCI_INDEX ? 'OCI index' : 'manifest list'
      return v2error(404, 'MANIFEST_UNKNOWN', `${what} found, but accept header does not support ${what}s`, detail)
    }
    if (req.method === 'GET') manifestPulls++
    return {
      status: 200,
      headers: {
        'Content-Type': type,
        'Docker-Content-Digest': digest,
        ETag: `"${digest}"`,
        'Docker-Distribution-Api-Version': 'registry/2.0',
        'ratelimit-limit': '100;w=21600',
        'ratelimit-remaining': `${Math.max(0, 100 - manifestPulls)};w=21600`
      },
      body: bytes
    }
  }

  function blob(repo, digest) {
    const bytes = blobOf(data, digest)
    if (!data.oci?.tags?.[repo])
      return v2error(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name: repo })
    if (!bytes) return v2error(404, 'BLOB_UNKNOWN', 'blob unknown to registry', digest)
    const headers = {
      'Content-Type': 'application/octet-stream',
      'Docker-Content-Digest': digest,
      'Docker-Distribution-Api-Version': 'registry/2.0'
    }
    return { status: 200, headers, body: bytes }
  }

  function tagList(query, repo) {
    const repoTags = data.oci?.tags?.[repo]
    if (!repoTags) return v2error(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name: repo })
    const last = query.get('last')
    let all = Object.keys(repoTags)
      .sort()
      .filter((t) => last === null || t > last)
    const n = int(query.get('n'), 0)
    const headers = { 'Docker-Distribution-Api-Version': 'registry/2.0' }
    if (n > 0 && all.length > n) {
      all = all.slice(0, n)
      headers.Link = `</v2/${repo}/tags/list?last=${encodeURIComponent(all[n - 1])}&n=${n}>; rel="next"`
    }
    return json(200, { name: repo, tags: all }, headers)
  }

  function route(req, path, query, body) {
    const get = req.method === 'GET' || req.method === 'HEAD'
    let m
    if (path === '/token' && get) return token(req, query)
    if (path === '/v2/auth/token' && req.method === 'POST') return hubLogin(req, body)
    if (
      (m = /^\/v2\/(?:repositories\/([^/]+)|namespaces\/([^/]+)\/repositories)\/([^/]+)\/tags\/?(?:\/([^/]+))?$/.exec(
        path
      )) &&
      get
    )
      return hub(req, query, `${m[1] ?? m[2]}/${m[3]}`, m[4] === undefined ? undefined : decodeURIComponent(m[4]))
    if ((m = /^\/api\/v1\/repository\/([^/]+\/[^/]+)\/(tag\/?|manifest\/([^/]+))$/.exec(path)) && get)
      return quayAuth(req) ?? (m[3] ? quayManifest(m[1], decodeURIComponent(m[3])) : quayTags(req, query, m[1]))
    if (path === '/v2/' || path === '/v2') {
      return ociAuth(req) ?? json(200, {}, { 'Docker-Distribution-Api-Version': 'registry/2.0' })
    }
    if ((m = /^\/v2\/(.+)\/(manifests\/([^/]+)|blobs\/([^/]+)|tags\/list)$/.exec(path))) {
      if (!get) return v2error(405, 'UNSUPPORTED', 'The operation is unsupported.', null)
      const denied = ociAuth(req, m[1])
      if (denied) return denied
      if (m[3] !== undefined) return manifest(req, m[1], decodeURIComponent(m[3]))
      if (m[4] !== undefined) return blob(m[1], decodeURIComponent(m[4]))
      return tagList(query, m[1])
    }
    return json(404, { message: 'not found', path })
  }

  async function handle(req, res) {
    const entry = {
      method: req.method,
      path: req.url,
      status: 0,
      start: performance.now(),
      end: 0,
      auth: Boolean(req.headers.authorization)
    }
    log.push(entry)
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const body = Buffer.concat(chunks)
    const parsed = new URL(req.url, 'http://x')
    const path = parsed.pathname
    const query = parsed.searchParams
    const key = path + parsed.search
    counts.set(key, (counts.get(key) ?? 0) + 1)

    let answer
    let override
    try {
      if (fault)
        override = await fault(req, {
          path,
          query: Object.fromEntries(query),
          search: parsed.search,
          count: counts.get(key)
        })
      if (override && typeof override === 'object' && override.delayMs) await sleep(override.delayMs)
      if (override && typeof override === 'object' && override.status !== undefined)
        answer = { status: override.status, headers: override.headers ?? {}, body: override.body ?? '' }
      else if (override !== 'reset') {
        answer = route(req, path, query, body)
        if (override && typeof override === 'object' && override.body !== undefined)
          answer = { ...answer, body: override.body }
      }
    } catch (error) {
      answer = json(500, { message: String(error?.stack ?? error) })
    }
    if (latencyMs > 0) await sleep(latencyMs)
    if (override === 'reset') {
      entry.end = performance.now()
      req.socket.destroy()
      return
    }
    let payload = answer.body
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) payload = JSON.stringify(payload)
    payload = Buffer.isBuffer(payload) ? payload : Buffer.from(payload)
    res.writeHead(answer.status, { ...answer.headers, 'Content-Length': payload.length })
    entry.status = answer.status
    entry.end = performance.now()
    res.end(payload)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ message: String(error) }))
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  url = `http://127.0.0.1:${server.address().port}`

  return {
    url,
    hubUrl: url,
    quayUrl: url,
    registryUrl: url,
    data,
    log,
    requests: () => log.length,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
