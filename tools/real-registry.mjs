// Test harness around a REAL OCI registry: Debian's `docker-registry` package
// (CNCF distribution 2.8.x). Starts it on 127.0.0.1 with a throwaway config and
// storage directory, and pushes images through the registry HTTP API
// (distribution spec) so tests can resolve real digests against it.
//
// Plain ESM, node built-ins only (Node >= 20: global fetch).

import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

const DEFAULT_BINARY = '/usr/bin/docker-registry'
const START_TIMEOUT_MS = 10_000
const BIND_ATTEMPTS = 5

export const MEDIA_TYPES = Object.freeze({
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip'
})

// distribution 2.8 answers 404 for an OCI index on GET unless Accept lists it.
export const ACCEPT_ALL = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest
].join(', ')

function resolveBinary(binary) {
  return binary || process.env.DOCKER_REGISTRY_BIN || DEFAULT_BINARY
}

/** Whether the registry binary exists (tests skip loudly when it does not). */
export function registryAvailable(binary) {
  return existsSync(resolveBinary(binary))
}

const sha256 = (buf) => 'sha256:' + createHash('sha256').update(buf).digest('hex')

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function configYaml(rootdir, port) {
  return [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(rootdir)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: kindnet-updater-test-harness',
    ''
  ].join('\n')
}

/**
 * Spawn the registry once on `port`; resolves when GET /v2/ answers 200.
 * Rejects with { bindFailed: true } if the process exited before being ready
 * (most likely the port was taken in the meantime), so the caller can retry.
 */
async function spawnOnce(binary, dir, port, deadline) {
  const configPath = path.join(dir, 'config.yml')
  writeFileSync(configPath, configYaml(path.join(dir, 'data'), port))
  const child = spawn(binary, ['serve', configPath], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  let stdout = ''
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  let exited = null
  let spawnError = null
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal }
      resolve(exited)
    })
    child.on('error', (err) => {
      spawnError = err
      exited = exited || { code: null, signal: null }
      resolve(exited)
    })
  })
  const url = `http://127.0.0.1:${port}`
  const output = () => (stderr + stdout).trim()
  while (Date.now() < deadline) {
    if (exited) {
      if (spawnError) throw new Error(`cannot start ${binary}: ${spawnError.message}`)
      const err = new Error(
        `${binary} exited (code ${exited.code}, signal ${exited.signal}) before answering on ${url}:\n${output()}`
      )
      err.bindFailed = /address already in use|bind/i.test(output())
      throw err
    }
    try {
      const res = await fetch(`${url}/v2/`, {
        signal: AbortSignal.timeout(1000)
      })
      await res.arrayBuffer()
      if (res.status === 200) return { child, exitPromise, url, output }
    } catch {
      // not listening yet
    }
    await sleep(25)
  }
  child.kill('SIGKILL')
  throw new Error(`${binary} did not answer 200 on ${url}/v2/ within ${START_TIMEOUT_MS} ms:\n${output()}`)
}

async function check(res, what, expected = [200, 201, 202]) {
  if (!expected.includes(res.status)) {
    const body = await res.text().catch(() => '')
    throw new Error(`${what}: HTTP ${res.status} ${res.statusText}\n${body}`)
  }
  return res
}

/**
 * Start a registry. Returns helpers to push images and stop it.
 * @param {{ binary?: string }} [options]
 */
export async function startRealRegistry({ binary = process.env.DOCKER_REGISTRY_BIN || DEFAULT_BINARY } = {}) {
  binary = resolveBinary(binary)
  if (!existsSync(binary)) throw new Error(`docker-registry binary not found at ${binary} (run .ci/install-deps.sh)`)
  const dir = mkdtempSync(path.join(tmpdir(), 'real-registry-'))
  const startedAt = Date.now()
  const deadline = startedAt + START_TIMEOUT_MS
  let running
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      try {
        running = await spawnOnce(binary, dir, port, deadline)
        break
      } catch (err) {
        if (!err.bindFailed || attempt >= BIND_ATTEMPTS || Date.now() >= deadline) throw err
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  const { child, exitPromise, url, output } = running
  const host = url.slice('http://'.length)
  const startMs = Date.now() - startedAt

  async function uploadBlob(repo, buf) {
    const digest = sha256(buf)
    const start = await check(
      await fetch(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST' }),
      `start upload to ${repo}`,
      [202]
    )
    await start.arrayBuffer()
    const location = start.headers.get('location')
    if (!location) throw new Error(`start upload to ${repo}: no Location header`)
    const target = new URL(location, url)
    target.searchParams.set('digest', digest)
    const put = await check(
      await fetch(target, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: buf
      }),
      `upload blob ${digest} to ${repo}`,
      [201]
    )
    await put.arrayBuffer()
    const got = put.headers.get('docker-content-digest')
    if (got && got !== digest) throw new Error(`blob upload: registry says ${got}, expected ${digest}`)
    return { digest, size: buf.length }
  }

  async function putManifest(repo, ref, mediaType, obj) {
    const bytes = Buffer.from(JSON.stringify(obj, null, 2))
    const digest = sha256(bytes)
    const res = await check(
      await fetch(`${url}/v2/${repo}/manifests/${ref ?? digest}`, {
        method: 'PUT',
        headers: { 'Content-Type': mediaType },
        body: bytes
      }),
      `put manifest ${repo}:${ref ?? digest}`,
      [201]
    )
    await res.arrayBuffer()
    const got = res.headers.get('docker-content-digest')
    if (got !== digest) throw new Error(`put manifest ${repo}:${ref}: Docker-Content-Digest ${got}, expected ${digest}`)
    return { digest, bytes, size: bytes.length, mediaType }
  }

  function platformOf({ architecture, os, variant }) {
    const p = { architecture, os }
    if (variant) p.variant = variant
    return p
  }

  async function pushImage(repo, tag, platform, { mediaType = 'oci', annotations } = {}) {
    const docker = mediaType === 'docker'
    const layer = await uploadBlob(repo, randomBytes(32))
    const config = {
      ...platformOf(platform),
      rootfs: { type: 'layers', diff_ids: [layer.digest] }
    }
    const configBlob = await uploadBlob(repo, Buffer.from(JSON.stringify(config)))
    const type = docker ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest
    const manifest = {
      schemaVersion: 2,
      mediaType: type,
      config: {
        mediaType: docker ? MEDIA_TYPES.dockerConfig : MEDIA_TYPES.ociConfig,
        digest: configBlob.digest,
        size: configBlob.size
      },
      layers: [
        {
          mediaType: docker ? MEDIA_TYPES.dockerLayer : MEDIA_TYPES.ociLayer,
          digest: layer.digest,
          size: layer.size
        }
      ]
    }
    if (annotations && !docker) manifest.annotations = annotations
    return putManifest(repo, tag, type, manifest)
  }

  return {
    url,
    host,
    startMs,
    /** Push a single-arch image; tag null → by digest only. */
    async pushManifest(repo, tag, platform, options = {}) {
      const { digest, bytes, size, mediaType } = await pushImage(repo, tag, platform, options)
      return { digest, bytes, size, mediaType }
    },
    /** Push an index (OCI, or Docker manifest list with { mediaType: 'docker' }) under tag. */
    async pushIndex(repo, tag, entries, { mediaType = 'oci', annotations } = {}) {
      const docker = mediaType === 'docker'
      const pushed = []
      for (const entry of entries) {
        if (entry.attestationFor !== undefined) {
          const ref = pushed[entry.attestationFor]
          if (!ref || ref.attestation) throw new Error(`attestationFor ${entry.attestationFor}: no such platform entry`)
          const refAnnotations = {
            'vnd.docker.reference.type': 'attestation-manifest',
            'vnd.docker.reference.digest': ref.digest
          }
          const m = await pushImage(repo, null, { architecture: 'unknown', os: 'unknown' }, { mediaType })
          pushed.push({
            ...m,
            platform: { architecture: 'unknown', os: 'unknown' },
            annotations: refAnnotations,
            attestation: true
          })
        } else {
          const m = await pushImage(repo, null, entry, { mediaType })
          pushed.push({ ...m, platform: platformOf(entry) })
        }
      }
      const type = docker ? MEDIA_TYPES.dockerList : MEDIA_TYPES.ociIndex
      const index = {
        schemaVersion: 2,
        mediaType: type,
        manifests: pushed.map((m) => {
          const d = {
            mediaType: m.mediaType,
            digest: m.digest,
            size: m.size,
            platform: m.platform
          }
          if (m.annotations) d.annotations = m.annotations
          return d
        })
      }
      if (annotations && !docker) index.annotations = annotations
      const res = await putManifest(repo, tag, type, index)
      return {
        digest: res.digest,
        bytes: res.bytes,
        size: res.size,
        mediaType: type,
        manifests: pushed.map((m) => ({
          digest: m.digest,
          platform: m.platform,
          mediaType: m.mediaType
        }))
      }
    },
    /** Stop the registry (SIGTERM, SIGKILL after 2 s) and remove its storage. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
        await exitPromise
        clearTimeout(timer)
      }
      rmSync(dir, { recursive: true, force: true })
    },
    /** Registry stderr/stdout so far (for debugging failures). */
    output
  }
}
