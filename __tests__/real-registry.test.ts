// Harness test against a REAL registry (Debian `docker-registry`, CNCF distribution 2.8).
// Skips loudly when the binary is missing; .ci/install-deps.sh installs it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import net from 'node:net'
import {
  ACCEPT_ALL,
  MEDIA_TYPES,
  registryAvailable,
  startRealRegistry,
  type PushedIndex,
  type PushedManifest,
  type RealRegistry
} from '../tools/real-registry.mjs'

const available = registryAvailable()
if (!available) {
  console.warn(
    '\n*** SKIPPING real-registry tests: docker-registry binary not found ' +
      `(${process.env.DOCKER_REGISTRY_BIN || '/usr/bin/docker-registry'}). Run .ci/install-deps.sh ***\n`
  )
}

const sha256 = (buf: Buffer) => 'sha256:' + createHash('sha256').update(buf).digest('hex')

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

const KINDNET_TAG = 'v20250512-df8de77b'
const KUBE_PROXY_TAGS = ['v1.34.9', 'v1.34.10', 'v1.35.0-rc.1']

const describeReal = available ? describe : describe.skip

describeReal('real OCI registry (distribution 2.8)', () => {
  let registry: RealRegistry
  let kindnet: PushedIndex
  const kubeProxy: Record<string, PushedIndex> = {}
  let single: PushedManifest

  beforeAll(async () => {
    registry = await startRealRegistry()
    kindnet = await registry.pushIndex('kindest/kindnetd', KINDNET_TAG, [
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
      { attestationFor: 0 }
    ])
    for (const tag of KUBE_PROXY_TAGS) {
      kubeProxy[tag] = await registry.pushIndex('okd/kube-proxy', tag, [
        { architecture: 'amd64', os: 'linux' },
        { architecture: 'arm64', os: 'linux' }
      ])
    }
    single = await registry.pushManifest('single/arch', 'v1.0.0', {
      architecture: 'amd64',
      os: 'linux'
    })
  })

  afterAll(async () => {
    await registry?.stop()
  })

  it('listens on 127.0.0.1 only and starts quickly', () => {
    expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(registry.url).toBe(`http://${registry.host}`)
    expect(registry.startMs).toBeLessThan(10_000)
  })

  it('lists pushed tags', async () => {
    const list = async (name: string) => {
      const res = await fetch(`${registry.url}/v2/${name}/tags/list`)
      expect(res.status).toBe(200)
      return ((await res.json()) as { name: string; tags: string[] }).tags.sort()
    }
    expect(await list('kindest/kindnetd')).toEqual([KINDNET_TAG])
    expect(await list('okd/kube-proxy')).toEqual([...KUBE_PROXY_TAGS].sort())
    expect(await list('single/arch')).toEqual(['v1.0.0'])
  })

  it('serves the kindnetd index byte-for-byte with the full Accept list', async () => {
    const res = await fetch(`${registry.url}/v2/kindest/kindnetd/manifests/${KINDNET_TAG}`, {
      headers: { Accept: ACCEPT_ALL }
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(MEDIA_TYPES.ociIndex)
    const body = Buffer.from(await res.arrayBuffer())
    expect(sha256(body)).toBe(kindnet.digest)
    expect(res.headers.get('docker-content-digest')).toBe(kindnet.digest)
    expect(body.equals(kindnet.bytes)).toBe(true)

    const index = JSON.parse(body.toString()) as {
      manifests: {
        digest: string
        platform: { architecture: string; os: string; variant?: string }
        annotations?: Record<string, string>
      }[]
    }
    expect(index.manifests.map((m) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
      { architecture: 'unknown', os: 'unknown' }
    ])
    expect(index.manifests.map((m) => m.digest)).toEqual(kindnet.manifests.map((m) => m.digest))
    expect(index.manifests[2].annotations).toEqual({
      'vnd.docker.reference.type': 'attestation-manifest',
      'vnd.docker.reference.digest': kindnet.manifests[0].digest
    })
  })

  it('answers 404 for an OCI index when Accept does not list the index type', async () => {
    const res = await fetch(`${registry.url}/v2/kindest/kindnetd/manifests/${KINDNET_TAG}`)
    expect(res.status).toBe(404)
    await res.arrayBuffer()
  })

  it('serves each kube-proxy index and its platform manifests by digest', async () => {
    for (const tag of KUBE_PROXY_TAGS) {
      const res = await fetch(`${registry.url}/v2/okd/kube-proxy/manifests/${tag}`, {
        method: 'HEAD',
        headers: { Accept: ACCEPT_ALL }
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('docker-content-digest')).toBe(kubeProxy[tag].digest)
    }
    const digests = KUBE_PROXY_TAGS.map((t) => kubeProxy[t].digest)
    expect(new Set(digests).size).toBe(digests.length)
    for (const m of kubeProxy['v1.34.10'].manifests) {
      const res = await fetch(`${registry.url}/v2/okd/kube-proxy/manifests/${m.digest}`, {
        headers: { Accept: ACCEPT_ALL }
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe(MEDIA_TYPES.ociManifest)
      expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(m.digest)
    }
  })

  it('serves the single-arch manifest', async () => {
    const res = await fetch(`${registry.url}/v2/single/arch/manifests/v1.0.0`, {
      headers: { Accept: ACCEPT_ALL }
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(MEDIA_TYPES.ociManifest)
    expect(res.headers.get('docker-content-digest')).toBe(single.digest)
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(single.digest)
  })

  it('pushes a Docker manifest list with { mediaType: "docker" }', async () => {
    const list = await registry.pushIndex(
      'docker/list',
      'v1',
      [
        { architecture: 'amd64', os: 'linux' },
        { architecture: 'arm', os: 'linux', variant: 'v7' }
      ],
      { mediaType: 'docker' }
    )
    const res = await fetch(`${registry.url}/v2/docker/list/manifests/v1`, {
      headers: { Accept: ACCEPT_ALL }
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(MEDIA_TYPES.dockerList)
    expect(res.headers.get('docker-content-digest')).toBe(list.digest)
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(list.digest)
    expect(list.manifests.every((m) => m.mediaType === MEDIA_TYPES.dockerManifest)).toBe(true)
  })

  it('pushes by digest only when tag is null', async () => {
    const m = await registry.pushManifest('single/arch', null, {
      architecture: 'arm64',
      os: 'linux'
    })
    const res = await fetch(`${registry.url}/v2/single/arch/manifests/${m.digest}`, {
      method: 'HEAD',
      headers: { Accept: ACCEPT_ALL }
    })
    expect(res.status).toBe(200)
    const tags = (await (await fetch(`${registry.url}/v2/single/arch/tags/list`)).json()) as { tags: string[] }
    expect(tags.tags).toEqual(['v1.0.0'])
  })

  it('stop() frees the port', async () => {
    const port = Number(registry.host.split(':')[1])
    expect(await portIsFree(port)).toBe(false)
    await registry.stop()
    expect(await portIsFree(port)).toBe(true)
    await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow()
  })
})

// Keeps the file a valid suite when the registry is unavailable.
it('real-registry harness module loads', () => {
  expect(typeof startRealRegistry).toBe('function')
})
