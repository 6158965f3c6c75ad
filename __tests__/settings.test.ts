// buildSettings and parseImageRef: defaults, the environment, and every refusal (a UsageError that
// names the bad value, raised before any request).
import { describe, expect, test } from '@jest/globals'
import * as path from 'node:path'
import { UsageError } from '../src/core/errors.js'
import { parseImageRef } from '../src/core/reference.js'
import { buildSettings, DEFAULT_HTTP, DEFAULTS, type RawOptions, registryUrlFor } from '../src/core/settings.js'

const CWD = '/tmp/kindnet-updater-settings-test'

function build(raw: RawOptions = {}, env: NodeJS.ProcessEnv = {}) {
  return buildSettings(raw, env, CWD)
}

/** Runs fn, expects a UsageError, returns its message. */
function usageError(fn: () => unknown): string {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(UsageError)
  return (caught as Error).message
}

describe('buildSettings defaults', () => {
  test('an empty run uses the documented defaults', () => {
    const s = build()
    expect(s).toEqual({
      assetsDir: path.resolve(CWD, 'src/kindnet/assets'),
      kubeProxyVersion: '4.20.0-okd-scos',
      kindnetImage: { host: 'docker.io', repository: 'kindest/kindnetd', name: 'docker.io/kindest/kindnetd' },
      kubeProxyImage: { host: 'quay.io', repository: 'okd/scos-content', name: 'quay.io/okd/scos-content' },
      podSubnet: '10.244.0.0/16',
      clusterCidr: '10.42.0.0/16',
      missingArch: 'fallback',
      dockerHubUrl: 'https://registry.hub.docker.com',
      quayUrl: 'https://quay.io',
      registryUrls: {},
      credentials: {},
      force: false,
      http: DEFAULT_HTTP
    })
    expect(DEFAULTS.kubeProxyVersion).toBe('4.20.0-okd-scos')
  })

  test('blank values fall back to the defaults', () => {
    const s = build({
      assetsDir: ' ',
      kubeProxyVersion: '   ',
      kindnetImage: '',
      kubeProxyImage: ' ',
      podSubnet: '',
      clusterCidr: '\t',
      missingArch: '',
      dockerHubUrl: ' ',
      quayUrl: '',
      registryUrls: ['', '  ']
    })
    expect(s).toEqual(build())
  })

  test('values are trimmed and assets-dir resolved against cwd', () => {
    const s = build({ assetsDir: ' out/assets ', kubeProxyVersion: ' v1.34 ', podSubnet: ' 10.1.0.0/16 ', force: true })
    expect(s.assetsDir).toBe(path.resolve(CWD, 'out/assets'))
    expect(s.kubeProxyVersion).toBe('v1.34')
    expect(s.podSubnet).toBe('10.1.0.0/16')
    expect(s.force).toBe(true)
  })

  test('an absolute assets-dir is kept', () => {
    expect(build({ assetsDir: '/srv/assets' }).assetsDir).toBe('/srv/assets')
  })

  test.each(['fallback', 'keep', 'fail'])('missing-arch %s is accepted', (policy) => {
    expect(build({ missingArch: policy }).missingArch).toBe(policy)
  })
})

describe('kube-proxy version', () => {
  test.each<[string, RawOptions, NodeJS.ProcessEnv, string]>([
    ['default', {}, {}, '4.20.0-okd-scos'],
    ['KUBE_PROXY_VERSION when the flag is absent', {}, { KUBE_PROXY_VERSION: '4.19.0-okd-scos' }, '4.19.0-okd-scos'],
    ['KUBE_PROXY_VERSION when the flag is blank', { kubeProxyVersion: ' ' }, { KUBE_PROXY_VERSION: 'v1.34' }, 'v1.34'],
    ['the flag wins', { kubeProxyVersion: 'v1.34' }, { KUBE_PROXY_VERSION: '4.19.0-okd-scos' }, 'v1.34'],
    ['the flag wins over an invalid env', { kubeProxyVersion: 'v1.34' }, { KUBE_PROXY_VERSION: 'a/b' }, 'v1.34'],
    ['blank env falls back to the default', {}, { KUBE_PROXY_VERSION: '  ' }, '4.20.0-okd-scos'],
    ['64 characters', { kubeProxyVersion: 'v'.repeat(64) }, {}, 'v'.repeat(64)],
    ['underscores and dashes', { kubeProxyVersion: '4_20-x.y' }, {}, '4_20-x.y']
  ])('%s', (_name, raw, env, expected) => {
    expect(build(raw, env).kubeProxyVersion).toBe(expected)
  })

  test.each([
    ['a/b', 'slash'],
    ['../etc', 'leading dots'],
    ['4.20..0', 'double dot'],
    ['4.20 0', 'space'],
    ['4.20;rm -rf', 'semicolon'],
    ['$(x)', 'command substitution'],
    ['`x`', 'backticks'],
    ['v'.repeat(65), 'more than 64 characters'],
    ['-4.20', 'leading dash'],
    ['.4.20', 'leading dot'],
    ['4.20\n0', 'newline'],
    ['4.20*', 'glob']
  ])('refuses %j (%s)', (value) => {
    expect(usageError(() => build({ kubeProxyVersion: value }))).toContain(value)
  })

  test('refuses an invalid KUBE_PROXY_VERSION', () => {
    expect(usageError(() => build({}, { KUBE_PROXY_VERSION: 'x;y' }))).toContain('x;y')
  })
})

describe('CIDRs', () => {
  test.each([
    ['10.244.0.0/16'],
    ['10.42.0.0/16'],
    ['0.0.0.0/0'],
    ['192.168.1.1/32'],
    ['fd00::/64'],
    ['fd00:10:244::/56'],
    ['::/0'],
    ['2001:db8::/128']
  ])('accepts %s', (cidr) => {
    const s = build({ podSubnet: cidr, clusterCidr: cidr })
    expect(s.podSubnet).toBe(cidr)
    expect(s.clusterCidr).toBe(cidr)
  })

  test.each([
    ['10.42.0.0/99', 'prefix beyond /32'],
    ['10.42.0.0/33', 'prefix beyond /32'],
    ['fd00::/129', 'prefix beyond /128'],
    ['not-a-cidr', 'not an address'],
    ['10.42.0.0', 'no prefix'],
    ['10.42.0.0/', 'empty prefix'],
    ['300.1.1.1/8', 'octet above 255'],
    ['10.42.0/16', 'three octets'],
    ['010.42.0.0/16', 'leading zero'],
    ['10.42.0.0/16/8', 'two prefixes'],
    ['10.42.0.0/-1', 'negative prefix'],
    ['10.42.0.0 /16', 'inner space'],
    ['10.42.0.0/16\nx: y', 'YAML injection'],
    ['fe80::1%eth0/64', 'IPv6 zone (not a CIDR; Go net.ParseCIDR refuses it)']
  ])('refuses %j (%s) for both flags', (cidr) => {
    expect(usageError(() => build({ podSubnet: cidr }))).toContain(cidr)
    expect(usageError(() => build({ clusterCidr: cidr }))).toContain(cidr)
  })

  test('messages name the flag', () => {
    expect(usageError(() => build({ podSubnet: 'x' }))).toMatch(/pod subnet/i)
    expect(usageError(() => build({ clusterCidr: 'x' }))).toMatch(/cluster CIDR/i)
  })
})

describe('missing-arch', () => {
  test.each(['sometimes', 'FAIL', 'fallback,keep'])('refuses %j', (policy) => {
    const message = usageError(() => build({ missingArch: policy }))
    expect(message).toContain(policy)
    expect(message).toContain('fallback, keep, fail')
  })
})

describe('parseImageRef', () => {
  test.each([
    ['kindest/kindnetd', 'docker.io', 'kindest/kindnetd'],
    ['docker.io/kindest/kindnetd', 'docker.io', 'kindest/kindnetd'],
    ['index.docker.io/kindest/kindnetd', 'docker.io', 'kindest/kindnetd'],
    ['registry-1.docker.io/kindest/kindnetd', 'docker.io', 'kindest/kindnetd'],
    ['busybox', 'docker.io', 'library/busybox'],
    ['docker.io/busybox', 'docker.io', 'library/busybox'],
    ['quay.io/okd/scos-content', 'quay.io', 'okd/scos-content'],
    ['registry.k8s.io/kube-proxy', 'registry.k8s.io', 'kube-proxy'],
    ['127.0.0.1:5000/okd/kube-proxy', '127.0.0.1:5000', 'okd/kube-proxy'],
    ['localhost:5000/x', 'localhost:5000', 'x'],
    ['localhost/x', 'localhost', 'x'],
    ['[::1]:5000/a/b', '[::1]:5000', 'a/b'],
    ['ghcr.io/a/b_c/d__e/f-g/h.i', 'ghcr.io', 'a/b_c/d__e/f-g/h.i']
  ])('%s → host %s, repository %s', (ref, host, repository) => {
    expect(parseImageRef(ref, 'kindnet image')).toEqual({ host, repository, name: `${host}/${repository}` })
  })

  test.each([
    ['docker.io/a/b@sha256:xyz', 'bad digest'],
    [`docker.io/a/b@sha256:${'a'.repeat(64)}`, 'pins a digest'],
    ['docker.io/kindest/kindnetd:v20250512-df8de77b', 'a tag'],
    ['kindest/kindnetd:latest', 'a tag'],
    ['127.0.0.1:5000/okd/kube-proxy:v1.34', 'a tag after a port'],
    ['docker.io/kindest/kindnetd:bad tag', 'an invalid tag'],
    ['docker.io/Kindest/kindnetd', 'uppercase'],
    ['KINDEST/kindnetd', 'uppercase without host'],
    ['docker.io/kindest/kind netd', 'space'],
    ['docker.io /kindest/kindnetd', 'space in the host'],
    ['docker.io/kindest/../kindnetd', '..'],
    ['../../etc/passwd', '.. as host'],
    ['quay.io/okd/', 'trailing slash'],
    ['quay.io//okd', 'empty component'],
    ['https://quay.io/okd/scos-content', 'a URL'],
    ['quay.io/okd/scos-content;id', 'semicolon'],
    ['quay.io/okd/$(id)', 'command substitution'],
    [`quay.io/${'a'.repeat(256)}`, 'longer than 255'],
    ['-bad.io/x', 'host starting with a dash']
  ])('refuses %j (%s)', (ref) => {
    expect(usageError(() => parseImageRef(ref, 'kindnet image'))).toContain(ref)
  })

  test('refuses an empty reference', () => {
    expect(usageError(() => parseImageRef('', 'kindnet image'))).toContain('kindnet image')
  })

  test('a bad digest is named in the message', () => {
    expect(usageError(() => parseImageRef('docker.io/a/b@sha256:xyz', 'kindnet image'))).toContain("'sha256:xyz'")
  })

  test('buildSettings validates both images and names the flag', () => {
    expect(usageError(() => build({ kindnetImage: 'kindest/kindnetd:v1' }))).toContain('kindnet image')
    expect(usageError(() => build({ kubeProxyImage: 'quay.io/OKD/x' }))).toContain('kube-proxy image')
    const s = build({ kindnetImage: 'kindest/kindnetd', kubeProxyImage: 'registry.k8s.io/kube-proxy' })
    expect(s.kindnetImage.name).toBe('docker.io/kindest/kindnetd')
    expect(s.kubeProxyImage).toEqual({
      host: 'registry.k8s.io',
      repository: 'kube-proxy',
      name: 'registry.k8s.io/kube-proxy'
    })
  })
})

describe('registry URLs', () => {
  test.each<[string, string, string]>([
    ['registry.k8s.io=https://registry.k8s.io', 'registry.k8s.io', 'https://registry.k8s.io'],
    ['127.0.0.1:5000=http://127.0.0.1:5000/', '127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['localhost:5000=http://localhost:5000', 'localhost:5000', 'http://localhost:5000'],
    ['docker.io=https://mirror.example/dockerhub/', 'docker.io', 'https://mirror.example/dockerhub'],
    [' quay.io = https://quay.example ', 'quay.io', 'https://quay.example']
  ])('accepts %j', (entry, host, url) => {
    expect(build({ registryUrls: [entry] }).registryUrls).toEqual({ [host]: url })
  })

  test('several entries; the last one for a host wins', () => {
    const s = build({
      registryUrls: ['a.io=https://one.example', 'b.io=http://two.example:8080', 'a.io=https://three.example']
    })
    expect(s.registryUrls).toEqual({ 'a.io': 'https://three.example', 'b.io': 'http://two.example:8080' })
  })

  test.each<[string, string]>([
    ['noequals', 'noequals'],
    ['=http://x', '=http://x'],
    ['host=ftp://x', 'ftp://x'],
    ['host=http://user:pw@x', 'http://***@x'],
    ['host=', "host ''"],
    ['host=not a url', 'not a url'],
    ['bad host=http://x', 'bad host=http://x'],
    ['host/path=http://x', 'host/path=http://x'],
    ['host=http://x/?q=1', 'http://x/?q=1'],
    ['host=javascript:alert(1)', 'javascript:alert(1)']
  ])('refuses %j', (entry, named) => {
    expect(usageError(() => build({ registryUrls: [entry] }))).toContain(named)
  })

  test.each<[Record<string, string>, string, string]>([
    [{}, 'docker.io', 'https://registry-1.docker.io'],
    [{}, 'quay.io', 'https://quay.io'],
    [{}, 'registry.k8s.io', 'https://registry.k8s.io'],
    [{}, '127.0.0.1:5000', 'https://127.0.0.1:5000'],
    [{ 'docker.io': 'http://127.0.0.1:1234' }, 'docker.io', 'http://127.0.0.1:1234'],
    [{ 'quay.io': 'http://127.0.0.1:1234' }, 'quay.io', 'http://127.0.0.1:1234'],
    [{ 'quay.io': 'http://127.0.0.1:1234' }, 'registry.k8s.io', 'https://registry.k8s.io']
  ])('registryUrlFor(%j, %s) → %s', (registryUrls, host, url) => {
    expect(registryUrlFor({ registryUrls }, host)).toBe(url)
  })

  test('registryUrlFor reads the built settings', () => {
    const s = build({ registryUrls: ['127.0.0.1:5000=http://127.0.0.1:5000'] })
    expect(registryUrlFor(s, '127.0.0.1:5000')).toBe('http://127.0.0.1:5000')
    expect(registryUrlFor(s, 'docker.io')).toBe('https://registry-1.docker.io')
  })
})

describe('API URL flags', () => {
  test.each<[keyof RawOptions, string, string]>([
    ['dockerHubUrl', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['dockerHubUrl', 'https://hub.docker.com/', 'https://hub.docker.com'],
    ['quayUrl', 'http://127.0.0.1:8080/quay/', 'http://127.0.0.1:8080/quay'],
    ['quayUrl', 'https://quay.io', 'https://quay.io']
  ])('%s %s → %s', (key, value, expected) => {
    expect(build({ [key]: value })[key as 'dockerHubUrl' | 'quayUrl']).toBe(expected)
  })

  test.each<[keyof RawOptions, string]>([
    ['dockerHubUrl', 'ftp://registry.hub.docker.com'],
    ['dockerHubUrl', 'file:///etc/passwd'],
    ['dockerHubUrl', 'registry.hub.docker.com'],
    ['quayUrl', 'javascript:alert(1)'],
    ['quayUrl', 'not a url'],
    ['quayUrl', 'https://quay.io/?x=1'],
    ['quayUrl', 'https://quay.io/#frag']
  ])('%s refuses %j', (key, value) => {
    expect(usageError(() => build({ [key]: value }))).toContain(value)
  })

  test('a URL with credentials is refused without printing them', () => {
    const message = usageError(() => build({ dockerHubUrl: 'https://user:s3cret@registry.hub.docker.com' }))
    expect(message).toContain('https://***@registry.hub.docker.com')
    expect(message).not.toContain('s3cret')
    expect(usageError(() => build({ registryUrls: ['host=http://u:s3cret@x'] }))).not.toContain('s3cret')
  })
})

describe('credentials from the environment', () => {
  test('none by default', () => {
    expect(build({}, {}).credentials).toEqual({})
  })

  test('Docker Hub and Quay credentials are picked up (trimmed)', () => {
    const s = build(
      {},
      {
        DOCKERHUB_USERNAME: 'hubuser',
        DOCKERHUB_TOKEN: ' hubtoken ',
        QUAY_USERNAME: 'quayuser',
        QUAY_TOKEN: 'quaytoken'
      }
    )
    expect(s.credentials).toEqual({
      'docker.io': { username: 'hubuser', password: 'hubtoken' },
      'quay.io': { username: 'quayuser', password: 'quaytoken' }
    })
  })

  test('blank variables count as unset', () => {
    expect(build({}, { DOCKERHUB_USERNAME: ' ', DOCKERHUB_TOKEN: '', QUAY_TOKEN: '  ' }).credentials).toEqual({})
  })

  test.each<[NodeJS.ProcessEnv, string]>([
    [{ DOCKERHUB_USERNAME: 'user-A1' }, 'DOCKERHUB_TOKEN'],
    [{ DOCKERHUB_TOKEN: 'secret-B2' }, 'DOCKERHUB_USERNAME'],
    [{ DOCKERHUB_USERNAME: 'user-A1', DOCKERHUB_TOKEN: ' ' }, 'DOCKERHUB_TOKEN'],
    [{ QUAY_USERNAME: 'user-A1' }, 'QUAY_TOKEN'],
    [{ QUAY_TOKEN: 'secret-B2' }, 'QUAY_USERNAME']
  ])('refuses incomplete credentials %j', (env, named) => {
    const message = usageError(() => build({}, env))
    expect(message).toContain(named)
    // the secret itself is never echoed
    expect(message).not.toContain('secret-B2')
  })
})

describe('HTTP tuning from KINDNET_UPDATER_* env', () => {
  test('defaults', () => {
    expect(build().http).toEqual({ timeoutMs: 30_000, retries: 4, backoffMs: 1_000, maxRetryAfterMs: 60_000 })
  })

  test('each variable sets its field', () => {
    const env = {
      KINDNET_UPDATER_TIMEOUT_MS: '2500',
      KINDNET_UPDATER_RETRIES: '0',
      KINDNET_UPDATER_BACKOFF_MS: ' 10 ',
      KINDNET_UPDATER_MAX_RETRY_AFTER_MS: '5000'
    }
    expect(build({}, env).http).toEqual({ timeoutMs: 2500, retries: 0, backoffMs: 10, maxRetryAfterMs: 5000 })
  })

  test.each([
    ['KINDNET_UPDATER_TIMEOUT_MS', { timeoutMs: 7 }],
    ['KINDNET_UPDATER_RETRIES', { retries: 7 }],
    ['KINDNET_UPDATER_BACKOFF_MS', { backoffMs: 7 }],
    ['KINDNET_UPDATER_MAX_RETRY_AFTER_MS', { maxRetryAfterMs: 7 }]
  ])('%s alone', (name, fields) => {
    expect(build({}, { [name]: '7' }).http).toEqual({ ...DEFAULT_HTTP, ...fields })
  })

  test.each([
    ['KINDNET_UPDATER_TIMEOUT_MS', '10s'],
    ['KINDNET_UPDATER_RETRIES', '-1'],
    ['KINDNET_UPDATER_BACKOFF_MS', '1.5'],
    ['KINDNET_UPDATER_MAX_RETRY_AFTER_MS', '1e3'],
    ['KINDNET_UPDATER_TIMEOUT_MS', '1234567890']
  ])('%s=%j is refused', (name, value) => {
    const message = usageError(() => build({}, { [name]: value }))
    expect(message).toContain(name)
    expect(message).toContain(value)
  })

  test('blank variables use the defaults', () => {
    expect(build({}, { KINDNET_UPDATER_TIMEOUT_MS: ' ', KINDNET_UPDATER_RETRIES: '' }).http).toEqual(DEFAULT_HTTP)
  })
})
