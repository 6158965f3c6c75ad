// Tests of tools/lookalike.mjs: the local Docker Hub / Quay / OCI v2 look-alike that other tests,
// the demo and the benchmark run against.
import { afterEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import http from 'node:http'
import { generateData, loadRecordedData, startLookalike } from '../tools/lookalike.mjs'
import type { Lookalike } from '../tools/lookalike.mjs'

const INDEX_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')
const KINDNET_TAG = 'v20250512-df8de77b'
const KINDNET_INDEX = 'sha256:f4ea83ac3cae12b3d3dd10589ffdfd56460950f1b599b3270f91640f1101b1ff'
const KUBE_PROXY_TAG = '4.20.0-okd-scos.11-kube-proxy'
const KUBE_PROXY_LIST = 'sha256:c90893a672cf04ec9d653dd2db851adea01f9a3c8f822d20b07972f97dd3153a'

const sha256 = (bytes: Uint8Array | string) => 'sha256:' + createHash('sha256').update(bytes).digest('hex')

let server: Lookalike | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function start(options?: Parameters<typeof startLookalike>[0]) {
  server = await startLookalike(options)
  return server
}

async function getJson(url: string, init?: RequestInit) {
  const res = await fetch(url, init)
  return { res, body: (await res.json()) as any }
}

async function pullToken(base: string, repo: string, headers: Record<string, string> = {}) {
  const { res, body } = await getJson(`${base}/token?service=lookalike&scope=repository:${repo}:pull`, { headers })
  expect(res.status).toBe(200)
  return body.token as string
}

describe('loadRecordedData', () => {
  it('reads every blob as a Buffer that hashes to its digest, and hands out fresh copies', () => {
    const data = loadRecordedData()
    expect(data.blobs.size).toBe(261)
    for (const [digest, bytes] of data.blobs) {
      expect(Buffer.isBuffer(bytes)).toBe(true)
      expect(sha256(bytes)).toBe(digest)
    }
    expect(data.hub['kindest/kindnetd']).toHaveLength(5)
    expect(data.quay['okd/scos-content']).toHaveLength(104)
    data.hub['kindest/kindnetd'].pop()
    expect(loadRecordedData().hub['kindest/kindnetd']).toHaveLength(5)
  })
})

describe('Docker Hub API', () => {
  it('pages 5 tags with page_size 2 into 3 pages, following absolute next links', async () => {
    const { url } = await start()
    let next: string | null = `${url}/v2/repositories/kindest/kindnetd/tags?page_size=2&page=1&ordering=last_updated`
    const pages: any[] = []
    while (next) {
      const { res, body } = await getJson(next)
      expect(res.status).toBe(200)
      pages.push(body)
      next = body.next
    }
    expect(pages).toHaveLength(3)
    expect(pages.map((p) => p.count)).toEqual([5, 5, 5])
    expect(pages.map((p) => p.results.length)).toEqual([2, 2, 1])
    expect(pages[0].results[0].name).toBe(KINDNET_TAG)
    expect(pages[0].results[0].digest).toBe(KINDNET_INDEX)
    expect(pages[0].previous).toBeNull()
    expect(pages[0].next).toBe(`${url}/v2/repositories/kindest/kindnetd/tags?ordering=last_updated&page=2&page_size=2`)
    expect(pages[2].previous).toBe(
      `${url}/v2/repositories/kindest/kindnetd/tags?ordering=last_updated&page=2&page_size=2`
    )
    expect(pages[2].next).toBeNull()
    expect(pages[2].results[0].name).toBe('0.5.4')
  })

  it('clamps page_size to 100, serves the namespaces form, a single tag and real 404s', async () => {
    const { url } = await start()
    const all = await getJson(`${url}/v2/namespaces/kindest/repositories/kindnetd/tags?page_size=1000`)
    expect(all.body.results).toHaveLength(5)
    expect(all.body.next).toBeNull()
    const dflt = await getJson(`${url}/v2/repositories/kindest/kindnetd/tags`)
    expect(dflt.body.results).toHaveLength(5)
    const one = await getJson(`${url}/v2/repositories/kindest/kindnetd/tags/${KINDNET_TAG}`)
    expect(one.body.name).toBe(KINDNET_TAG)
    expect(one.body.images.map((i: any) => [i.architecture, i.variant])).toEqual([
      ['amd64', null],
      ['arm64', 'v8']
    ])
    const missingTag = await getJson(`${url}/v2/repositories/kindest/kindnetd/tags/nope`)
    expect(missingTag.res.status).toBe(404)
    expect(missingTag.body.message).toBe("httperror 404: tag 'nope' not found")
    const missingRepo = await getJson(`${url}/v2/repositories/kindest/nothing/tags`)
    expect(missingRepo.res.status).toBe(404)
    expect(missingRepo.body).toEqual({ message: 'object not found', errinfo: {} })
  })

  it('serves live data: a test may empty images[] between requests', async () => {
    const lookalike = await start()
    lookalike.data.hub['kindest/kindnetd'][0].images = []
    const { body } = await getJson(`${lookalike.url}/v2/repositories/kindest/kindnetd/tags/${KINDNET_TAG}`)
    expect(body.images).toEqual([])
    expect(body.digest).toBe(KINDNET_INDEX)
  })
})

describe('Quay API v1', () => {
  const tagsPath = '/api/v1/repository/okd/scos-content/tag/'

  it('pages the 104 recorded kube-proxy rows into 2 pages of 100 with has_additional', async () => {
    const { url } = await start()
    const q = (page: number) =>
      `${url}${tagsPath}?limit=100&page=${page}&onlyActiveTags=true&filter_tag_name=like:kube-proxy`
    const p1 = await getJson(q(1))
    const p2 = await getJson(q(2))
    expect(p1.body.tags).toHaveLength(100)
    expect(p1.body).toMatchObject({ page: 1, has_additional: true })
    expect(p2.body.tags).toHaveLength(4)
    expect(p2.body).toMatchObject({ page: 2, has_additional: false })
    expect(p1.body.tags[0].name).toBe('4.21.0-okd-scos.ec.3-kube-proxy')
    const clamped = await getJson(`${url}${tagsPath}?limit=500`)
    expect(clamped.body.tags).toHaveLength(100)
    const dflt = await getJson(`${url}${tagsPath}`)
    expect(dflt.body.tags).toHaveLength(50)
  })

  it('filters eq:, specificTag, expired rows, and answers 400 for a filter without an operator', async () => {
    const lookalike = await start()
    const eq = await getJson(`${lookalike.url}${tagsPath}?filter_tag_name=eq:${KUBE_PROXY_TAG}`)
    expect(eq.body.tags.map((t: any) => t.manifest_digest)).toEqual([KUBE_PROXY_LIST])
    const specific = await getJson(`${lookalike.url}${tagsPath}?specificTag=${KUBE_PROXY_TAG}`)
    expect(specific.body.tags).toHaveLength(1)
    const bad = await getJson(`${lookalike.url}${tagsPath}?filter_tag_name=kube-proxy`)
    expect(bad.res.status).toBe(400)
    expect(bad.body).toMatchObject({ error_type: 'invalid_request', status: 400 })
    expect(bad.body.error_message).toContain('filter_tag_name')

    lookalike.data.quay['okd/scos-content'][0].end_ts = 1_000_000_000
    const active = await getJson(`${lookalike.url}${tagsPath}?limit=100&onlyActiveTags=true`)
    const history = await getJson(`${lookalike.url}${tagsPath}?limit=100`)
    expect(active.body.tags[0].name).not.toBe('4.21.0-okd-scos.ec.3-kube-proxy')
    expect(history.body.tags[0].name).toBe('4.21.0-okd-scos.ec.3-kube-proxy')
    expect((await fetch(`${lookalike.url}/api/v1/repository/okd/nothing/tag/`)).status).toBe(404)
  })

  it('serves manifest_data whose bytes hash to the digest, and 404 for unknown digests', async () => {
    const { url } = await start()
    const { body } = await getJson(`${url}/api/v1/repository/okd/scos-content/manifest/${KUBE_PROXY_LIST}`)
    expect(body.digest).toBe(KUBE_PROXY_LIST)
    expect(body.is_manifest_list).toBe(true)
    expect(typeof body.manifest_data).toBe('string')
    expect(sha256(Buffer.from(body.manifest_data, 'utf8'))).toBe(KUBE_PROXY_LIST)
    expect(JSON.parse(body.manifest_data).manifests[0].platform.architecture).toBe('amd64')

    const plainRow = loadRecordedData().quay['okd/scos-content'].find((r) => !r.is_manifest_list)!
    const plain = await getJson(`${url}/api/v1/repository/okd/scos-content/manifest/${plainRow.manifest_digest}`)
    expect(plain.body.is_manifest_list).toBe(false)
    expect(plain.body.layers).toHaveLength(1)
    expect(sha256(plain.body.manifest_data)).toBe(plainRow.manifest_digest)

    const missing = await getJson(`${url}/api/v1/repository/okd/scos-content/manifest/sha256:${'0'.repeat(64)}`)
    expect(missing.res.status).toBe(404)
    expect(missing.body).toMatchObject({
      detail: 'Not Found',
      error_message: 'Not Found',
      status: 404,
      title: 'not_found'
    })
  })
})

describe('OCI distribution v2', () => {
  it('challenges, issues a token, and serves the index only when Accept lists its type', async () => {
    const { url } = await start()
    const base = await fetch(`${url}/v2/`)
    expect(base.status).toBe(401)
    const challenge = await fetch(`${url}/v2/kindest/kindnetd/manifests/${KINDNET_TAG}`, {
      headers: { Accept: INDEX_ACCEPT }
    })
    expect(challenge.status).toBe(401)
    expect(challenge.headers.get('www-authenticate')).toBe(
      `Bearer realm="${url}/token",service="lookalike",scope="repository:kindest/kindnetd:pull"`
    )
    expect(((await challenge.json()) as any).errors[0].code).toBe('UNAUTHORIZED')

    const { res: tokenRes, body: tokenBody } = await getJson(
      `${url}/token?service=lookalike&scope=repository:kindest/kindnetd:pull`
    )
    expect(tokenRes.status).toBe(200)
    expect(tokenBody).toMatchObject({ expires_in: 300 })
    expect(tokenBody.access_token).toBe(tokenBody.token)
    const auth = { Authorization: `Bearer ${tokenBody.token}` }
    expect((await fetch(`${url}/v2/`, { headers: auth })).status).toBe(200)

    const ok = await fetch(`${url}/v2/kindest/kindnetd/manifests/${KINDNET_TAG}`, {
      headers: { ...auth, Accept: INDEX_ACCEPT }
    })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json')
    expect(ok.headers.get('docker-content-digest')).toBe(KINDNET_INDEX)
    const bytes = Buffer.from(await ok.arrayBuffer())
    expect(sha256(bytes)).toBe(KINDNET_INDEX)
    expect(Number(ok.headers.get('content-length'))).toBe(bytes.length)

    const head = await fetch(`${url}/v2/kindest/kindnetd/manifests/${KINDNET_INDEX}`, {
      method: 'HEAD',
      headers: { ...auth, Accept: INDEX_ACCEPT }
    })
    expect(head.status).toBe(200)
    expect(head.headers.get('docker-content-digest')).toBe(KINDNET_INDEX)
    expect(Number(head.headers.get('content-length'))).toBe(bytes.length)

    const noAccept = await fetch(`${url}/v2/kindest/kindnetd/manifests/${KINDNET_TAG}`, {
      headers: { ...auth, Accept: 'application/vnd.oci.image.manifest.v1+json' }
    })
    expect(noAccept.status).toBe(404)
    expect(((await noAccept.json()) as any).errors[0].code).toBe('MANIFEST_UNKNOWN')

    const unknown = await fetch(`${url}/v2/kindest/kindnetd/manifests/v0`, {
      headers: { ...auth, Accept: INDEX_ACCEPT }
    })
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as any).errors[0].code).toBe('MANIFEST_UNKNOWN')

    const otherRepo = await fetch(`${url}/v2/okd/scos-content/manifests/${KUBE_PROXY_TAG}`, { headers: auth })
    expect(otherRepo.status).toBe(401)
    expect(otherRepo.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
  })

  it('serves blobs and names with slashes, and 404s unknown blobs', async () => {
    const { url } = await start()
    const auth = { Authorization: `Bearer ${await pullToken(url, 'okd/scos-content')}` }
    const list = await fetch(`${url}/v2/okd/scos-content/manifests/${KUBE_PROXY_TAG}`, {
      headers: { ...auth, Accept: INDEX_ACCEPT }
    })
    expect(list.headers.get('content-type')).toBe('application/vnd.docker.distribution.manifest.list.v2+json')
    expect(sha256(Buffer.from(await list.arrayBuffer()))).toBe(KUBE_PROXY_LIST)
    const config = 'sha256:1224cf97739ec1e9c4ff1168e9d04c6abd706f1eac0013ca03effd74d55ff575'
    const blob = await fetch(`${url}/v2/okd/scos-content/blobs/${config}`, { headers: auth })
    expect(blob.status).toBe(200)
    expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(config)
    const missing = await fetch(`${url}/v2/okd/scos-content/blobs/sha256:${'1'.repeat(64)}`, { headers: auth })
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as any).errors[0].code).toBe('BLOB_UNKNOWN')
  })

  it('lists tags in lexical order with Link paging, NAME_UNKNOWN for unknown repos', async () => {
    const { url } = await start()
    const auth = { Authorization: `Bearer ${await pullToken(url, 'okd/scos-content')}` }
    const seen: string[] = []
    let next: string | undefined = '/v2/okd/scos-content/tags/list?n=40'
    let pages = 0
    while (next) {
      const res = await fetch(url + next, { headers: auth })
      const body = (await res.json()) as any
      expect(body.name).toBe('okd/scos-content')
      seen.push(...body.tags)
      pages++
      next = /^<([^>]+)>;\s*rel="next"$/.exec(res.headers.get('link') ?? '')?.[1]
    }
    expect(pages).toBe(3)
    expect(seen).toHaveLength(104)
    expect(seen).toEqual([...seen].sort())
    expect(new Set(seen).size).toBe(104)

    const unknownAuth = { Authorization: `Bearer ${await pullToken(url, 'okd/nothing')}` }
    const unknown = await fetch(`${url}/v2/okd/nothing/tags/list`, { headers: unknownAuth })
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as any).errors[0].code).toBe('NAME_UNKNOWN')
  })
})

describe('fault hook, latency, log', () => {
  it('resets a connection, answers a given status, delays, and corrupts a body', async () => {
    const seen: Array<{ path: string; count: number }> = []
    const { url } = await start({
      fault: (_req, ctx) => {
        seen.push({ path: ctx.path, count: ctx.count })
        if (ctx.path.endsWith('/tags') && ctx.count === 1) return 'reset'
        if (ctx.path.endsWith('/tags') && ctx.count === 2)
          return { status: 429, headers: { 'Retry-After': '1' }, body: 'slow down' }
        if (ctx.path.endsWith('/tags') && ctx.count === 3) return { delayMs: 120 }
        if (ctx.path.includes('/manifest/')) return { body: '{"corrupt":true}' }
        return undefined
      }
    })
    const tags = `${url}/v2/repositories/kindest/kindnetd/tags`
    await expect(fetch(tags)).rejects.toThrow()
    const limited = await fetch(tags)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(await limited.text()).toBe('slow down')
    const t0 = performance.now()
    const delayed = await fetch(tags)
    expect(delayed.status).toBe(200)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100)
    expect((await fetch(tags)).status).toBe(200)
    const corrupt = await getJson(`${url}/api/v1/repository/okd/scos-content/manifest/${KUBE_PROXY_LIST}`)
    expect(corrupt.res.status).toBe(200)
    expect(corrupt.body).toEqual({ corrupt: true })
    expect(seen.filter((s) => s.path.endsWith('/tags')).map((s) => s.count)).toEqual([1, 2, 3, 4])
  })

  it('adds latencyMs and logs method, path with query, status, times and auth presence', async () => {
    const lookalike = await start({ latencyMs: 50 })
    const t0 = performance.now()
    await fetch(`${lookalike.url}/v2/repositories/kindest/kindnetd/tags?page_size=2`)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45)
    await fetch(`${lookalike.url}/v2/`, { headers: { Authorization: 'Bearer secret-value' } })
    await fetch(`${lookalike.url}/nowhere`)
    expect(lookalike.requests()).toBe(3)
    expect(lookalike.log.map(({ method, path, status, auth }) => ({ method, path, status, auth }))).toEqual([
      { method: 'GET', path: '/v2/repositories/kindest/kindnetd/tags?page_size=2', status: 200, auth: false },
      { method: 'GET', path: '/v2/', status: 401, auth: true },
      { method: 'GET', path: '/nowhere', status: 404, auth: false }
    ])
    for (const entry of lookalike.log) expect(entry.end - entry.start).toBeGreaterThanOrEqual(45)
    expect(JSON.stringify(lookalike.log)).not.toContain('secret-value')
  })

  it('keeps sockets alive and close() still resolves with idle keep-alive sockets', async () => {
    const lookalike = await start()
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const get = () =>
      new Promise<boolean>((resolve, reject) => {
        const req = http.get(`${lookalike.url}/v2/repositories/kindest/kindnetd/tags`, { agent }, (res) => {
          res.resume()
          res.on('end', () => resolve(req.reusedSocket))
        })
        req.on('error', reject)
      })
    expect(await get()).toBe(false)
    expect(await get()).toBe(true)
    await lookalike.close()
    server = undefined
    agent.destroy()
  })
})

describe('credentials mode', () => {
  it('requires Basic auth for tokens, a Hub login token for the Hub API and the password for Quay', async () => {
    const { url } = await start({ auth: { username: 'bot', password: 'pw' } })
    const scope = 'service=lookalike&scope=repository:kindest/kindnetd:pull'
    expect((await fetch(`${url}/token?${scope}`)).status).toBe(401)
    const basic = { Authorization: 'Basic ' + Buffer.from('bot:pw').toString('base64') }
    const token = await pullToken(url, 'kindest/kindnetd', basic)
    const manifest = await fetch(`${url}/v2/kindest/kindnetd/manifests/${KINDNET_TAG}`, {
      headers: { Authorization: `Bearer ${token}`, Accept: INDEX_ACCEPT }
    })
    expect(manifest.status).toBe(200)

    const hubTags = `${url}/v2/repositories/kindest/kindnetd/tags`
    expect((await fetch(hubTags)).status).toBe(401)
    const wrong = await fetch(`${url}/v2/auth/token`, {
      method: 'POST',
      body: JSON.stringify({ identifier: 'bot', secret: 'x' })
    })
    expect(wrong.status).toBe(401)
    const login = await getJson(`${url}/v2/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ identifier: 'bot', secret: 'pw' })
    })
    expect((await fetch(hubTags, { headers: { Authorization: `Bearer ${login.body.access_token}` } })).status).toBe(200)

    const quayTags = `${url}/api/v1/repository/okd/scos-content/tag/`
    expect((await fetch(quayTags)).status).toBe(401)
    expect((await fetch(quayTags, { headers: { Authorization: 'Bearer pw' } })).status).toBe(200)
  })
})

describe('generateData', () => {
  it('makes 500 shuffled kube-proxy rows with valid blobs and exactly one newest release', async () => {
    const data = generateData({ kubeProxyTags: 500, seed: 7 })
    const rows = data.quay['okd/scos-content']
    expect(rows).toHaveLength(500)
    expect(new Set(rows.map((r) => r.name)).size).toBe(500)
    for (const [digest, bytes] of data.blobs) expect(sha256(bytes)).toBe(digest)
    for (const row of rows) expect(data.blobs.has(row.manifest_digest)).toBe(true)
    expect(rows.some((r) => r.name.includes('.ec.'))).toBe(true)
    expect(rows.some((r) => r.name.includes('.rc.'))).toBe(true)
    const starts = rows.map((r) => r.start_ts!)
    expect(starts).toEqual([...starts].sort((a, b) => b - a))

    const releases = rows
      .map((r) => /^4\.20\.0-okd-scos\.(\d+)-kube-proxy$/.exec(r.name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
    const newest = Math.max(...releases)
    expect(releases.filter((n) => n === newest)).toHaveLength(1)
    expect(data.expected.kubeProxy?.tag).toBe(`4.20.0-okd-scos.${newest}-kube-proxy`)
    expect(rows[0].name).not.toBe(data.expected.kubeProxy?.tag)

    const hub = data.hub['kindest/kindnetd']
    expect(hub).toHaveLength(10)
    for (const tag of hub) expect(tag.name).toMatch(/^v\d{8}-[0-9a-f]{8}$/)
    const index = JSON.parse(data.blobs.get(hub[0].digest)!.toString('utf8'))
    expect(index.manifests.map((m: any) => m.platform.architecture)).toEqual(['amd64', 'arm64', 'unknown'])
    expect(index.manifests[1].platform.variant).toBe('v8')

    expect(generateData({ kubeProxyTags: 500, seed: 7 }).quay['okd/scos-content'].map((r) => r.name)).toEqual(
      rows.map((r) => r.name)
    )
  })

  it('is served by the look-alike like the recorded data', async () => {
    const data = generateData({ kubeProxyTags: 150, kindnetTags: 3 })
    const { url } = await start({ data })
    const p2 = await getJson(
      `${url}/api/v1/repository/okd/scos-content/tag/?limit=100&page=2&filter_tag_name=like:kube-proxy`
    )
    expect(p2.body.tags).toHaveLength(50)
    expect(p2.body.has_additional).toBe(false)
    const auth = { Authorization: `Bearer ${await pullToken(url, 'okd/scos-content')}` }
    const tag = data.expected.kubeProxy!.tag
    const res = await fetch(`${url}/v2/okd/scos-content/manifests/${tag}`, {
      headers: { ...auth, Accept: INDEX_ACCEPT }
    })
    expect(res.headers.get('docker-content-digest')).toBe(data.expected.kubeProxy!.digest)
    const child = await fetch(`${url}/v2/okd/scos-content/manifests/${data.expected.kubeProxy!.amd64}`, {
      headers: auth
    })
    expect(child.status).toBe(200)
  })
})
