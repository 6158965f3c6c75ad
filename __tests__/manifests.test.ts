// Manifests and indexes: digest verification over exact bytes, per-architecture digests from index
// entries (attestations, variants, other platforms), plain manifests and their config blobs.
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { UpdaterError } from '../src/core/errors.js'
import {
  archFromConfig,
  digestsFromPlatforms,
  MANIFEST_ACCEPT,
  matchesArch,
  parseManifest,
  type Platform,
  sha256Digest,
  verifyDigest
} from '../src/core/manifests.js'

/** sha256:<hex> → the recorded blob's exact bytes. */
function blob(digest: string): Buffer {
  return readFileSync(new URL(`../__fixtures__/registry/blobs/${digest.replace(':', '-')}`, import.meta.url))
}

// kindest/kindnetd:v20250512-df8de77b — OCI index: amd64, arm64/v8 and a BuildKit attestation.
const KINDNET_INDEX = 'sha256:f4ea83ac3cae12b3d3dd10589ffdfd56460950f1b599b3270f91640f1101b1ff'
const KINDNET_AMD64 = 'sha256:7a9c9fa59dd517cdc2c82eef1e51392524dd285e9cf7cb5a851c49f294d6cd11'
const KINDNET_ARM64 = 'sha256:2bdc3188f2ddc8e54841f69ef900a8dde1280057c97500f966a7ef31364021f1'
const KINDNET_ATTESTATION = 'sha256:0fa72ab336b51e06ff2e17fdd41575a8cad5acbbd8fa87390a06faa35f6c46e5'
// okd/scos-content:4.20.0-okd-scos.11-kube-proxy — Docker manifest list with one amd64 entry.
const KUBE_PROXY_LIST = 'sha256:c90893a672cf04ec9d653dd2db851adea01f9a3c8f822d20b07972f97dd3153a'
const KUBE_PROXY_AMD64 = 'sha256:182c4934a99762929597de8a3dce9c5980dc957eaa599199eb63f65669bd2643'
// A plain (single-arch) OCI manifest and its config.
const PLAIN_MANIFEST = 'sha256:c4cf0d81a4628499bcf77cb539e0c8866d996ca6f2c708c8a9237cd6316727ec'
const PLAIN_CONFIG = 'sha256:f0cfd5244a6d39067de9fe42aaa571a287d4c7d572796999adf1526a458d527b'
// Config blobs of other platforms.
const ARM64_CONFIG = 'sha256:150a5593e7c4ade89eec4d4e5577951aa659f4ef118dd44c7a6183334aa5bb4c'
const PPC64LE_CONFIG = 'sha256:bb88ac2d94820df3f9ae258ec5f60742dcb98b297705be7abdc0f1eba10ce762'

const d = (c: string) => `sha256:${c.repeat(64)}`
const entry = (digest: string, platform?: Platform, annotations?: Record<string, string>) => ({
  digest,
  platform,
  ...(annotations ? { annotations } : {})
})

describe('sha256Digest / verifyDigest', () => {
  test.each([KINDNET_INDEX, KUBE_PROXY_LIST, PLAIN_MANIFEST, PLAIN_CONFIG, ARM64_CONFIG])(
    'recorded blob %s hashes to its name',
    (digest) => {
      const bytes = blob(digest)
      expect(sha256Digest(bytes)).toBe(digest)
      expect(() => verifyDigest(bytes, digest, 'the blob')).not.toThrow()
      expect(() => verifyDigest(bytes.toString('utf8'), digest, 'the blob as a string')).not.toThrow()
    }
  )

  test('the empty string', () => {
    expect(sha256Digest('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  test.each<[string, (b: Buffer) => Buffer | string]>([
    ['re-serialised JSON', (b) => JSON.stringify(JSON.parse(b.toString()))],
    ['a trailing newline added', (b) => Buffer.concat([b, Buffer.from('\n')])],
    ['one byte changed', (b) => Buffer.from(b.toString().replace('amd64', 'AMD64'))],
    ['nothing', () => Buffer.alloc(0)]
  ])('a mismatch (%s) names both digests', (_name, alter) => {
    const altered = alter(blob(KINDNET_INDEX))
    let err: unknown
    try {
      verifyDigest(altered, KINDNET_INDEX, 'the index of kindest/kindnetd:v20250512-df8de77b')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UpdaterError)
    const message = (err as Error).message
    expect(message).toContain(KINDNET_INDEX)
    expect(message).toContain(sha256Digest(altered))
    expect(message).toContain('the index of kindest/kindnetd:v20250512-df8de77b')
  })

  test('the Accept list names all four manifest media types', () => {
    expect(MANIFEST_ACCEPT.split(', ')).toEqual([
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json'
    ])
  })
})

describe('matchesArch', () => {
  test.each<[Platform | undefined, 'x86_64' | 'aarch64', boolean]>([
    [{ architecture: 'amd64', os: 'linux' }, 'x86_64', true],
    [{ architecture: 'arm64', os: 'linux', variant: 'v8' }, 'aarch64', true],
    [{ architecture: 'arm64', os: 'linux' }, 'aarch64', true],
    [{ architecture: 'amd64', os: 'windows' }, 'x86_64', false],
    [{ architecture: 'arm64', os: 'linux' }, 'x86_64', false],
    [{ architecture: 'ppc64le', os: 'linux' }, 'x86_64', false],
    [{ architecture: 'unknown', os: 'unknown' }, 'x86_64', false],
    [{ architecture: 'amd64' }, 'x86_64', false],
    [undefined, 'aarch64', false]
  ])('%j as %s → %s', (platform, arch, expected) => {
    expect(matchesArch(platform, arch)).toBe(expected)
  })
})

describe('digestsFromPlatforms', () => {
  test('the recorded kindnet index: attestation (unknown/unknown) skipped, arm64 v8 taken', () => {
    const parsed = parseManifest(blob(KINDNET_INDEX), 'the kindnet index')
    expect(parsed.entries).toHaveLength(3)
    expect(digestsFromPlatforms(parsed.entries, 'the kindnet index')).toEqual({
      x86_64: KINDNET_AMD64,
      aarch64: KINDNET_ARM64
    })
  })

  test('the recorded one-entry kube-proxy list: amd64 only', () => {
    const parsed = parseManifest(blob(KUBE_PROXY_LIST), 'the kube-proxy list')
    expect(digestsFromPlatforms(parsed.entries, 'the kube-proxy list')).toEqual({ x86_64: KUBE_PROXY_AMD64 })
  })

  test.each<[string, ReturnType<typeof entry>[], Record<string, string>]>([
    ['empty', [], {}],
    [
      'attestation first, unknown/unknown',
      [
        entry(
          d('f'),
          { architecture: 'unknown', os: 'unknown' },
          { 'vnd.docker.reference.type': 'attestation-manifest' }
        ),
        entry(d('a'), { architecture: 'amd64', os: 'linux' })
      ],
      { x86_64: d('a') }
    ],
    [
      'attestation annotation on a linux/amd64 platform',
      [
        entry(d('f'), { architecture: 'amd64', os: 'linux' }, { 'vnd.docker.reference.type': 'attestation-manifest' }),
        entry(d('a'), { architecture: 'amd64', os: 'linux' })
      ],
      { x86_64: d('a') }
    ],
    ['only an attestation', [entry(d('f'), { architecture: 'unknown', os: 'unknown' })], {}],
    [
      'arm64 with variant v8',
      [entry(d('b'), { architecture: 'arm64', os: 'linux', variant: 'v8' })],
      { aarch64: d('b') }
    ],
    ['arm64 without variant', [entry(d('b'), { architecture: 'arm64', os: 'linux' })], { aarch64: d('b') }],
    [
      'arm64 v8 preferred over another variant',
      [
        entry(d('c'), { architecture: 'arm64', os: 'linux', variant: 'v9' }),
        entry(d('b'), { architecture: 'arm64', os: 'linux', variant: 'v8' })
      ],
      { aarch64: d('b') }
    ],
    [
      'arm64 other variant alone is still arm64',
      [entry(d('c'), { architecture: 'arm64', os: 'linux', variant: 'v9' })],
      { aarch64: d('c') }
    ],
    ['arm (32-bit) v7 is not aarch64', [entry(d('c'), { architecture: 'arm', os: 'linux', variant: 'v7' })], {}],
    [
      'amd64 v2 variant de-preferred (listed first)',
      [
        entry(d('2'), { architecture: 'amd64', os: 'linux', variant: 'v2' }),
        entry(d('a'), { architecture: 'amd64', os: 'linux' })
      ],
      { x86_64: d('a') }
    ],
    [
      'amd64 v3 variant alone is used',
      [entry(d('3'), { architecture: 'amd64', os: 'linux', variant: 'v3' })],
      { x86_64: d('3') }
    ],
    [
      'non-linux os ignored',
      [
        entry(d('9'), { architecture: 'amd64', os: 'windows' }),
        entry(d('8'), { architecture: 'arm64', os: 'darwin' }),
        entry(d('a'), { architecture: 'amd64', os: 'linux' })
      ],
      { x86_64: d('a') }
    ],
    [
      'ppc64le and s390x ignored',
      [
        entry(d('7'), { architecture: 'ppc64le', os: 'linux' }),
        entry(d('6'), { architecture: 's390x', os: 'linux' }),
        entry(d('b'), { architecture: 'arm64', os: 'linux', variant: 'v8' })
      ],
      { aarch64: d('b') }
    ],
    ['entry without platform ignored', [entry(d('a'))], {}],
    [
      'first of equal entries kept',
      [entry(d('a'), { architecture: 'amd64', os: 'linux' }), entry(d('e'), { architecture: 'amd64', os: 'linux' })],
      { x86_64: d('a') }
    ]
  ])('%s', (_name, entries, expected) => {
    expect(digestsFromPlatforms(entries, 'the test index')).toEqual(expected)
  })

  test("Docker Hub's images[] shape (variant null) maps the same way", () => {
    const images = [
      { architecture: 'amd64', os: 'linux', variant: null, digest: KINDNET_AMD64 },
      { architecture: 'arm64', os: 'linux', variant: 'v8', digest: KINDNET_ARM64 },
      { architecture: 'ppc64le', os: 'linux', variant: null, digest: d('7') }
    ]
    const entries = images.map((i) => ({
      digest: i.digest,
      platform: { architecture: i.architecture, os: i.os, variant: i.variant ?? undefined }
    }))
    expect(digestsFromPlatforms(entries, 'images[]')).toEqual({ x86_64: KINDNET_AMD64, aarch64: KINDNET_ARM64 })
  })

  test.each<[string, unknown]>([
    ['empty digest', 'sha256:'],
    ['short digest', 'sha256:abc'],
    ['uppercase hex', `sha256:${'A'.repeat(64)}`],
    ['other algorithm', `sha512:${'a'.repeat(128)}`],
    ['missing', undefined],
    ['a number', 42]
  ])('an invalid digest on a chosen entry throws (%s)', (_name, digest) => {
    expect(() =>
      digestsFromPlatforms([{ digest, platform: { architecture: 'amd64', os: 'linux' } }], 'the test index')
    ).toThrow(UpdaterError)
    expect(() =>
      digestsFromPlatforms([{ digest, platform: { architecture: 'amd64', os: 'linux' } }], 'the test index')
    ).toThrow(/the test index/)
  })
})

describe('parseManifest', () => {
  test('OCI index with attestation', () => {
    const parsed = parseManifest(blob(KINDNET_INDEX), 'x')
    expect(parsed.kind).toBe('index')
    expect(parsed.entries.map((e) => e.digest)).toEqual([KINDNET_AMD64, KINDNET_ARM64, KINDNET_ATTESTATION])
    expect(parsed.configDigest).toBeUndefined()
  })

  test('Docker manifest list with one entry', () => {
    const parsed = parseManifest(blob(KUBE_PROXY_LIST), 'x')
    expect(parsed).toEqual({
      kind: 'index',
      entries: [
        {
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          size: 477,
          digest: KUBE_PROXY_AMD64,
          platform: { architecture: 'amd64', os: 'linux' }
        }
      ]
    })
  })

  test('plain manifest → configDigest', () => {
    expect(parseManifest(blob(PLAIN_MANIFEST), 'x')).toEqual({
      kind: 'manifest',
      entries: [],
      configDigest: PLAIN_CONFIG
    })
  })

  test('accepts a string', () => {
    expect(parseManifest(blob(PLAIN_MANIFEST).toString('utf8'), 'x').configDigest).toBe(PLAIN_CONFIG)
  })

  test('an empty index is an index with no entries', () => {
    expect(parseManifest('{"schemaVersion":2,"manifests":[]}', 'x')).toEqual({ kind: 'index', entries: [] })
  })

  test.each<[string, string, RegExp]>([
    ['HTML', '<html>rate limited</html>', /not JSON/],
    ['truncated JSON', '{"schemaVersion": 2, "manifests": [', /not JSON/],
    ['empty', '', /not JSON/],
    [
      'schema 1 manifest',
      '{"schemaVersion":1,"name":"a/b","tag":"t","fsLayers":[]}',
      /neither an image index nor an image manifest \(schemaVersion 1/
    ],
    ['JSON null', 'null', /neither/],
    ['JSON string', '"manifest"', /neither/],
    ['manifests not an array', '{"manifests":{}}', /neither/],
    ['config with a bad digest', '{"schemaVersion":2,"config":{"digest":"sha256:xyz"}}', /config/],
    ['config without a digest', '{"schemaVersion":2,"config":{}}', /config/]
  ])('garbage: %s', (_name, text, message) => {
    expect(() => parseManifest(text, 'the manifest of a/b:t')).toThrow(UpdaterError)
    expect(() => parseManifest(text, 'the manifest of a/b:t')).toThrow(message)
    expect(() => parseManifest(text, 'the manifest of a/b:t')).toThrow(/the manifest of a\/b:t/)
  })
})

describe('archFromConfig', () => {
  test.each<[string, string, Record<string, true>]>([
    ['amd64 config of the plain manifest', PLAIN_CONFIG, { x86_64: true }],
    ['arm64/v8 config', ARM64_CONFIG, { aarch64: true }],
    ['ppc64le config', PPC64LE_CONFIG, {}]
  ])('%s', (_name, digest, expected) => {
    expect(archFromConfig(blob(digest), 'the config')).toEqual(expected)
  })

  test.each<[string, string, Record<string, true>]>([
    ['arm64 without variant', '{"architecture":"arm64","os":"linux"}', { aarch64: true }],
    ['windows amd64', '{"architecture":"amd64","os":"windows"}', {}],
    ['no os', '{"architecture":"amd64"}', {}],
    ['empty object', '{}', {}]
  ])('%s', (_name, text, expected) => {
    expect(archFromConfig(Buffer.from(text), 'the config')).toEqual(expected)
  })

  test('garbage throws naming what was read', () => {
    expect(() => archFromConfig(Buffer.from('<html/>'), 'the config of a/b:t')).toThrow(UpdaterError)
    expect(() => archFromConfig(Buffer.from('<html/>'), 'the config of a/b:t')).toThrow(
      /the config of a\/b:t is not JSON/
    )
  })

  test('a plain manifest end to end: parse, read the config, one architecture', () => {
    const bytes = blob(PLAIN_MANIFEST)
    verifyDigest(bytes, PLAIN_MANIFEST, 'the manifest')
    const { configDigest } = parseManifest(bytes, 'the manifest')
    const config = blob(configDigest!)
    verifyDigest(config, configDigest!, 'the config')
    expect(archFromConfig(config, 'the config')).toEqual({ x86_64: true })
  })
})
