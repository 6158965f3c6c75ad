import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { loadRecordedData, startLookalike, type Lookalike } from '../tools/lookalike.mjs'
import {
  COMMITTED,
  contents,
  copyAssets,
  GENERATED,
  lookalikeFlags,
  REFERENCE,
  runBundledCli,
  snapshot,
  tempDir
} from './support/cli.js'

/**
 * The bundled CLI (dist/cli/index.js) run as a process against a look-alike of Docker Hub's and
 * Quay's APIs serving the recorded reference data: the three scenarios of the reference README.
 */

const OLD_KUBE_PROXY = 'sha256:585cdfeab0f6b006bb9cca22dd0f543424c424959a0ebe355c233f0d41ee724f'
const NEW_KUBE_PROXY = 'sha256:182c4934a99762929597de8a3dce9c5980dc957eaa599199eb63f65669bd2643'
const KINDNET_X86 = 'sha256:7a9c9fa59dd517cdc2c82eef1e51392524dd285e9cf7cb5a851c49f294d6cd11'
const KINDNET_ARM = 'sha256:2bdc3188f2ddc8e54841f69ef900a8dde1280057c97500f966a7ef31364021f1'

let server: Lookalike
beforeAll(async () => {
  server = await startLookalike()
})
afterAll(async () => {
  await server.close()
})
beforeEach(() => {
  server.data = Object.assign(server.data, loadRecordedData())
  server.log.length = 0
})

function cli(command: string, assetsDir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return runBundledCli([command, '--assets-dir', assetsDir, ...lookalikeFlags(server.url), ...extra], env)
}

describe('scenario 1: an empty folder', () => {
  test('generate writes the 21 reference files byte for byte and prints what the script printed', async () => {
    const dir = path.join(tempDir(), 'assets')
    const result = await cli('generate', dir)
    expect(result.stderr).toMatch(
      /Warning: No aarch64 \(linux\/arm64\) image in quay.io\/okd\/scos-content:4.20.0-okd-scos.11-kube-proxy/
    )
    expect(result.code).toBe(0)
    expect(contents(dir)).toEqual(contents(GENERATED))
    const expected = readFileSync(path.join(REFERENCE, 'generated', 'stdout.txt'), 'utf8').replaceAll(
      '<assets-dir>',
      dir
    )
    expect(result.stdout.trimEnd()).toBe(expected.trimEnd())
  })

  test('requests: one Hub page, the Quay pages (plus at most 3 speculative), one manifest', async () => {
    const dir = path.join(tempDir(), 'assets')
    expect((await cli('generate', dir)).code).toBe(0)
    const paths = server.log.map((e) => e.path)
    expect(paths.filter((p) => p.startsWith('/v2/repositories/kindest/kindnetd/tags'))).toHaveLength(1)
    const pages = paths.filter((p) => p.startsWith('/api/v1/repository/okd/scos-content/tag/'))
    expect(pages.length).toBeGreaterThanOrEqual(2)
    expect(pages.length).toBeLessThanOrEqual(2 + 3)
    expect(pages.every((p) => p.includes('onlyActiveTags=true') && p.includes('limit=100'))).toBe(true)
    expect(paths.filter((p) => p.includes('/manifest/'))).toEqual([
      `/api/v1/repository/okd/scos-content/manifest/sha256:c90893a672cf04ec9d653dd2db851adea01f9a3c8f822d20b07972f97dd3153a`
    ])
    // No per-tag Hub request, no registry request: the lists carry what is needed.
    expect(paths.filter((p) => p.startsWith('/v2/') && !p.startsWith('/v2/repositories/'))).toEqual([])
  })
})

describe('scenario 2: the committed snapshot', () => {
  test('check sees the kube-proxy change (585cdfe… → 182c4934…) and no kindnet change, exit 1, writes nothing', async () => {
    const dir = copyAssets(COMMITTED)
    const before = snapshot(dir)
    const result = await cli('check', dir)
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('kindnet: up to date')
    expect(result.stdout).toContain('kube-proxy: update available')
    expect(result.stdout).toContain(`x86_64 digest ${OLD_KUBE_PROXY} → ${NEW_KUBE_PROXY}`)
    expect(result.stdout).toContain(`aarch64 digest ${OLD_KUBE_PROXY} → ${NEW_KUBE_PROXY}`)
    // Missing trailing newlines are not an update, but check says so.
    expect(result.stderr).toMatch(/Warning: kindnet\/04-daemonset.yaml differs from the generated template/)
    expect(snapshot(dir)).toEqual(before)
  })

  test('check --json prints one JSON document', async () => {
    const dir = copyAssets(COMMITTED)
    const result = await cli('check', dir, ['--json'])
    expect(result.code).toBe(1)
    const doc = JSON.parse(result.stdout)
    expect(doc.changed).toBe(true)
    expect(doc.components.kindnet).toMatchObject({ changed: false, tag: 'v20250512-df8de77b' })
    expect(doc.components['kube-proxy']).toMatchObject({
      changed: true,
      tag: '4.20.0-okd-scos.11-kube-proxy',
      digests: { x86_64: NEW_KUBE_PROXY, aarch64: NEW_KUBE_PROXY },
      pinned: { digests: { x86_64: OLD_KUBE_PROXY, aarch64: OLD_KUBE_PROXY } },
      missing: [{ arch: 'aarch64', action: 'fallback' }]
    })
  })

  test('generate rewrites kube-proxy from the templates and leaves kindnet untouched', async () => {
    const dir = copyAssets(COMMITTED)
    const before = snapshot(dir)
    const result = await cli('generate', dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`kube-proxy manifests generated in ${dir}/kube-proxy`)
    expect(result.stdout).toContain(`kindnet manifests are up to date in ${dir}/kindnet`)
    const after = snapshot(dir)
    const generated = contents(GENERATED)
    for (const [name, entry] of Object.entries(after)) {
      if (name.startsWith('kindnet/')) expect(entry).toEqual(before[name])
      else expect(entry.content).toBe(generated[name])
    }
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort())
  })

  test('generate --force rewrites kindnet too (its bytes differed only in trailing newlines)', async () => {
    const dir = copyAssets(COMMITTED)
    const result = await cli('generate', dir, ['--force'])
    expect(result.code).toBe(0)
    expect(contents(dir)).toEqual(contents(GENERATED))
  })
})

describe('scenario 3: already current', () => {
  test('check exits 0, generate writes nothing', async () => {
    const dir = copyAssets(GENERATED)
    const before = snapshot(dir)
    const check = await cli('check', dir)
    expect(check.code).toBe(0)
    expect(check.stdout).toContain('kindnet: up to date')
    expect(check.stdout).toContain('kube-proxy: up to date')
    expect(check.stderr).not.toContain('differs from the generated template')
    const generate = await cli('generate', dir)
    expect(generate.code).toBe(0)
    expect(generate.stdout).toContain('All manifests are up to date; nothing was written.')
    expect(snapshot(dir)).toEqual(before)
  })

  test('the old tag is named when the listing reveals it (Docker Hub images[] carry the pinned digest)', async () => {
    const dir = copyAssets(GENERATED)
    const older = server.data.hub['kindest/kindnetd'].find((t) => t.name === 'v20250214-acbabc1a')!
    const amd64 = older.images.find((i) => i.architecture === 'amd64')!.digest
    const arm64 = older.images.find((i) => i.architecture === 'arm64')!.digest
    for (const [file, from, to] of [
      ['kustomization.x86_64.yaml', KINDNET_X86, amd64],
      ['release-kindnet-x86_64.json', KINDNET_X86, amd64],
      ['kustomization.aarch64.yaml', KINDNET_ARM, arm64],
      ['release-kindnet-aarch64.json', KINDNET_ARM, arm64]
    ]) {
      const p = path.join(dir, 'kindnet', file)
      writeFileSync(p, readFileSync(p, 'utf8').replace(from, to))
    }
    const result = await cli('check', dir, ['--json'])
    expect(result.code).toBe(1)
    const doc = JSON.parse(result.stdout)
    expect(doc.components.kindnet.pinned.tag).toBe('v20250214-acbabc1a')
    expect(doc.components.kindnet.tag).toBe('v20250512-df8de77b')
    expect(doc.components['kube-proxy'].pinned.tag).toBe('4.20.0-okd-scos.11-kube-proxy') // up to date
  })

  test('a hand edit that keeps the pins is a warning, not an update', async () => {
    const dir = copyAssets(GENERATED)
    const file = path.join(dir, 'kube-proxy', '02-cluster-role.yaml')
    writeFileSync(file, readFileSync(file, 'utf8') + '# local note\n')
    const check = await cli('check', dir)
    expect(check.code).toBe(0)
    expect(check.stderr).toContain('Warning: kube-proxy/02-cluster-role.yaml differs from the generated template')
  })

  test('a different POD_SUBNET is a change of kindnet', async () => {
    const dir = copyAssets(GENERATED)
    const check = await cli('check', dir, ['--pod-subnet', '10.88.0.0/16'])
    expect(check.code).toBe(1)
    expect(check.stdout).toContain('POD_SUBNET 10.244.0.0/16 → 10.88.0.0/16')
    expect(check.stdout).toContain('kube-proxy: up to date')
    expect((await cli('generate', dir, ['--pod-subnet', '10.88.0.0/16'])).code).toBe(0)
    expect(readFileSync(path.join(dir, 'kindnet', '04-daemonset.yaml'), 'utf8')).toContain('value: 10.88.0.0/16\n')
  })

  test('a missing file is a change of its component', async () => {
    const dir = copyAssets(GENERATED)
    const { rmSync } = await import('node:fs')
    rmSync(path.join(dir, 'kindnet', 'release-kindnet-aarch64.json'))
    const check = await cli('check', dir)
    expect(check.code).toBe(1)
    expect(check.stdout).toContain('release-kindnet-aarch64.json is missing')
    expect((await cli('generate', dir)).code).toBe(0)
    expect(contents(dir)).toEqual(contents(GENERATED))
  })
})

describe('Docker Hub and Quay shapes', () => {
  test('Hub images: [] falls back to the image index in the registry (attestation skipped)', async () => {
    for (const tag of server.data.hub['kindest/kindnetd']) tag.images = []
    const dir = path.join(tempDir(), 'assets')
    const result = await cli('generate', dir)
    expect(result.code).toBe(0)
    expect(readFileSync(path.join(dir, 'kindnet', 'kustomization.x86_64.yaml'), 'utf8')).toContain(
      `digest: ${KINDNET_X86}\n`
    )
    expect(readFileSync(path.join(dir, 'kindnet', 'kustomization.aarch64.yaml'), 'utf8')).toContain(
      `digest: ${KINDNET_ARM}\n`
    )
    expect(server.log.map((e) => e.path)).toContain(
      '/v2/kindest/kindnetd/manifests/sha256:f4ea83ac3cae12b3d3dd10589ffdfd56460950f1b599b3270f91640f1101b1ff'
    )
    expect(contents(dir)).toEqual(contents(GENERATED))
  })

  test('a re-pushed old tag at the top of last_updated does not win over the newest date', async () => {
    const tags = server.data.hub['kindest/kindnetd']
    const old = tags.findIndex((t) => t.name === 'v20230511-dc714da8')
    const [repushed] = tags.splice(old, 1)
    repushed.last_updated = '2026-12-01T00:00:00Z'
    tags.unshift(repushed)
    const result = await cli('check', copyAssets(GENERATED))
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Latest kindnet tag: v20250512-df8de77b')
  })

  test('Hub paging: tags spread over pages are all read', async () => {
    // The newest release sits on the last page of a 250-tag list.
    const tags = server.data.hub['kindest/kindnetd']
    const filler = Array.from({ length: 245 }, (_, i) => ({ ...tags[4], name: `0.${i}.0` }))
    const newest = tags.shift()!
    tags.unshift(...filler)
    tags.push(newest)
    const result = await cli('check', copyAssets(GENERATED))
    expect(result.stdout).toContain('Latest kindnet tag: v20250512-df8de77b')
    expect(result.code).toBe(0)
    expect(server.log.filter((e) => e.path.startsWith('/v2/repositories/kindest/kindnetd/tags')).length).toBe(3)
  })

  test('Quay: a plain (single-arch) manifest is the digest of its architecture, read from its config', async () => {
    const dir = path.join(tempDir(), 'assets')
    const result = await cli('generate', dir, ['--kube-proxy-version', '4.19.0-okd-scos'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Latest kube-proxy tag: 4.19.0-okd-scos.21-kube-proxy')
    const row = server.data.quay['okd/scos-content'].find((r) => r.name === '4.19.0-okd-scos.21-kube-proxy')!
    expect(row.is_manifest_list).toBe(false)
    for (const arch of ['x86_64', 'aarch64']) {
      expect(readFileSync(path.join(dir, 'kube-proxy', `kustomization.${arch}.yaml`), 'utf8')).toContain(
        `digest: ${row.manifest_digest}\n`
      )
    }
    expect(result.stderr).toContain('Warning: No aarch64')
  })

  test('kindnet from a Quay mirror: all tags are listed (no kube-proxy filter), digests from its index', async () => {
    // A mirror of kindest/kindnetd on Quay: rows carry the index digests of the Hub tags.
    server.data.quay['kindest/kindnetd'] = server.data.hub['kindest/kindnetd'].map((t, i) => ({
      name: t.name,
      reversion: false,
      start_ts: 1_750_000_000 - i,
      manifest_digest: t.digest,
      is_manifest_list: true,
      size: null
    }))
    const dir = path.join(tempDir(), 'assets')
    const result = await cli('generate', dir, ['--kindnet-image', 'quay.io/kindest/kindnetd'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Latest kindnet tag: v20250512-df8de77b')
    const kustomization = readFileSync(path.join(dir, 'kindnet', 'kustomization.aarch64.yaml'), 'utf8')
    expect(kustomization).toContain(`newName: quay.io/kindest/kindnetd\n    digest: ${KINDNET_ARM}\n`)
    const pages = server.log.filter((e) => e.path.startsWith('/api/v1/repository/kindest/kindnetd/tag/'))
    expect(pages.length).toBeGreaterThan(0)
    expect(pages.every((e) => !e.path.includes('filter_tag_name'))).toBe(true)
  })

  test('KUBE_PROXY_VERSION from the environment chooses the release; the flag wins over it', async () => {
    const env = await cli('check', copyAssets(GENERATED), [], { KUBE_PROXY_VERSION: '4.18.0-okd-scos' })
    expect(env.stdout).toContain('Latest kube-proxy tag: 4.18.0-okd-scos.12-kube-proxy')
    expect(env.code).toBe(1)
    const flag = await cli('check', copyAssets(GENERATED), ['--kube-proxy-version', '4.20.0-okd-scos'], {
      KUBE_PROXY_VERSION: '4.18.0-okd-scos'
    })
    expect(flag.stdout).toContain('Latest kube-proxy tag: 4.20.0-okd-scos.11-kube-proxy')
    expect(flag.code).toBe(0)
  })

  test('--missing-arch fail on Quay (amd64-only) exits 3 naming image, tag and architecture; nothing written', async () => {
    const dir = copyAssets(COMMITTED)
    const before = snapshot(dir)
    const result = await cli('generate', dir, ['--missing-arch', 'fail'])
    expect(result.code).toBe(3)
    expect(result.stderr).toContain(
      'No aarch64 (linux/arm64) image in quay.io/okd/scos-content:4.20.0-okd-scos.11-kube-proxy'
    )
    expect(snapshot(dir)).toEqual(before)
  })

  test('--missing-arch keep keeps the pinned aarch64 digest', async () => {
    const dir = copyAssets(COMMITTED)
    const result = await cli('generate', dir, ['--missing-arch', 'keep'])
    expect(result.code).toBe(0)
    expect(readFileSync(path.join(dir, 'kube-proxy', 'kustomization.aarch64.yaml'), 'utf8')).toContain(
      `digest: ${OLD_KUBE_PROXY}\n`
    )
    expect(readFileSync(path.join(dir, 'kube-proxy', 'kustomization.x86_64.yaml'), 'utf8')).toContain(
      `digest: ${NEW_KUBE_PROXY}\n`
    )
    expect(result.stderr).toContain('keeping the pinned aarch64 digest')
  })
})

describe('credentials', () => {
  test('Docker Hub, Quay and registry credentials come from the environment and are never printed', async () => {
    const secret = 's3cret-token-value'
    const guarded = await startLookalike({ auth: { username: 'robot', password: secret } })
    try {
      for (const tag of guarded.data.hub['kindest/kindnetd']) tag.images = [] // forces the registry path too
      const dir = path.join(tempDir(), 'assets')
      const flags = ['--assets-dir', dir, ...lookalikeFlags(guarded.url), '--kube-proxy-version', '4.19.0-okd-scos']
      const anonymous = await runBundledCli(['generate', ...flags], { KINDNET_UPDATER_RETRIES: '0' })
      expect(anonymous.code).toBe(3)
      expect(anonymous.stderr).toMatch(/401|credentials/)
      const env = { DOCKERHUB_USERNAME: 'robot', DOCKERHUB_TOKEN: secret, QUAY_USERNAME: 'robot', QUAY_TOKEN: secret }
      const result = await runBundledCli(['generate', ...flags, '--json'], env)
      expect(result.stderr).not.toContain(secret)
      expect(result.stdout).not.toContain(secret)
      expect(result.code).toBe(0)
      expect(JSON.parse(result.stdout).components.kindnet.digests).toEqual({
        x86_64: KINDNET_X86,
        aarch64: KINDNET_ARM
      })
      // Every API and registry request after the logins carried credentials.
      const paths = guarded.log.filter((e) => e.auth).map((e) => e.path)
      expect(paths.some((p) => p.startsWith('/v2/repositories/kindest/kindnetd/tags'))).toBe(true)
      expect(paths.some((p) => p.startsWith('/api/v1/repository/okd/scos-content/tag/'))).toBe(true)
      expect(paths.some((p) => p.startsWith('/v2/okd/scos-content/blobs/'))).toBe(true)
      expect(paths.some((p) => p.startsWith('/v2/kindest/kindnetd/manifests/'))).toBe(true)
    } finally {
      await guarded.close()
    }
  })

  test('any other registry: credentials from a Docker/Podman auth file (REGISTRY_AUTH_FILE)', async () => {
    const guarded = await startLookalike({ auth: { username: 'robot', password: 's3cret' } })
    try {
      const host = guarded.url.replace('http://', '')
      const authFile = path.join(tempDir(), 'auth.json')
      writeFileSync(
        authFile,
        JSON.stringify({ auths: { [host]: { auth: Buffer.from('robot:s3cret').toString('base64') } } })
      )
      const dir = path.join(tempDir(), 'assets')
      const args = ['generate', '--assets-dir', dir, ...lookalikeFlags(guarded.url)]
      args.push('--kindnet-image', `${host}/kindest/kindnetd`, '--registry-url', `${host}=${guarded.url}`)
      args.push('--kube-proxy-version', '4.19.0-okd-scos')
      const env = { QUAY_USERNAME: 'robot', QUAY_TOKEN: 's3cret' }
      const anonymous = await runBundledCli(args, { ...env, KINDNET_UPDATER_RETRIES: '0' })
      expect(anonymous.code).toBe(3)
      expect(anonymous.stderr).toMatch(/registry token for repository:kindest\/kindnetd:pull.*401.*REGISTRY_AUTH_FILE/)
      const result = await runBundledCli(args, { ...env, REGISTRY_AUTH_FILE: authFile })
      expect(result.stderr).not.toContain('s3cret')
      expect(result.code).toBe(0)
      expect(readFileSync(path.join(dir, 'kindnet', 'release-kindnet-x86_64.json'), 'utf8')).toContain(
        `"kindnet": "${host}/kindest/kindnetd@${KINDNET_X86}"`
      )
      expect(guarded.log.some((e) => e.path.startsWith('/v2/kindest/kindnetd/tags/list') && e.auth)).toBe(true)
    } finally {
      await guarded.close()
    }
  })

  test('a broken auth file is refused before any request', async () => {
    const authFile = path.join(tempDir(), 'auth.json')
    writeFileSync(authFile, '{"auths": ')
    const result = await cli('check', copyAssets(GENERATED), [], { REGISTRY_AUTH_FILE: authFile })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`Invalid registry auth file '${authFile}': it is not JSON`)
    expect(server.log).toHaveLength(0)
  })

  test('only one of a credential pair is refused before any request', async () => {
    const result = await cli('check', copyAssets(GENERATED), [], { DOCKERHUB_USERNAME: 'robot' })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('set both DOCKERHUB_USERNAME and DOCKERHUB_TOKEN')
    expect(server.log).toHaveLength(0)
  })
})

describe('exit codes and usage', () => {
  test.each([[['--help']], [['generate', '--help']], [[]]])('%j prints the options and exits 0', async (args) => {
    const result = await runBundledCli(args)
    expect(result.code).toBe(0)
    for (const flag of ['--assets-dir', '--kube-proxy-version', '--missing-arch', '--registry-url', '--json']) {
      expect(result.stdout).toContain(flag)
    }
  })

  test.each([
    [['frobnicate'], /unknown command/],
    [['generate', '--no-such-flag'], /unknown option/],
    [['check', '--kube-proxy-version', '../etc'], /Invalid kube-proxy version '..\/etc'/],
    [['check', '--cluster-cidr', '10.42.0.0/99'], /Invalid cluster CIDR '10.42.0.0\/99'/],
    [
      ['check', '--missing-arch', 'sometimes'],
      /Invalid missing-arch policy 'sometimes'. Expected one of: fallback, keep, fail/
    ],
    [['check', '--kindnet-image', 'docker.io/kindest/kindnetd@sha256:xyz'], /is not a digest/],
    [['check', '--registry-url', 'noequals'], /Invalid registry URL 'noequals'/]
  ])('%j is refused with exit 2 before any request', async (args, message) => {
    server.log.length = 0
    const result = await runBundledCli([...args, ...lookalikeFlags(server.url)])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(server.log).toHaveLength(0)
  })

  test('a registry failure exits 3 naming the URL and the status', async () => {
    const failing = await startLookalike({
      fault: (_req, ctx) => (ctx.path.includes('/tag/') ? { status: 500, body: 'boom' } : undefined)
    })
    try {
      const dir = copyAssets(COMMITTED)
      const before = snapshot(dir)
      const result = await runBundledCli(['generate', '--assets-dir', dir, ...lookalikeFlags(failing.url)], {
        KINDNET_UPDATER_RETRIES: '1'
      })
      expect(result.code).toBe(3)
      expect(result.stderr).toMatch(/Error: Could not fetch the Quay tag list of okd\/scos-content/)
      expect(result.stderr).toContain(`${failing.url}/api/v1/repository/okd/scos-content/tag/`)
      expect(result.stderr).toContain('500')
      expect(snapshot(dir)).toEqual(before)
    } finally {
      await failing.close()
    }
  })
})
