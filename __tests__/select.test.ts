// Tag selection tables: every trap of registry-apis.md (kindnetd's odd tags and re-pushes, Quay's
// pre-releases, nightlies and other components, OCI pre-releases), plus the recorded registry data.
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  Best,
  type Candidate,
  compareKeys,
  kindnetCandidate,
  kindnetCommit,
  kindnetMatcher,
  ociKubeProxyMatcher,
  quayKubeProxyMatcher
} from '../src/core/select.js'
import type { Matcher } from '../src/core/registry/types.js'

/** Feeds tags in the given (registry) order through a matcher and returns the winner's tag. */
function pick(matcher: Matcher, tags: string[]): string | undefined {
  const best = new Best()
  for (const tag of tags) best.offer(matcher.match(tag))
  return best.current?.tag
}

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../__fixtures__/registry/${name}`, import.meta.url), 'utf8')) as T
}

describe('kindnetCandidate / kindnetMatcher', () => {
  test.each([
    ['v20250512-df8de77b', 20250512],
    ['v20230511-dc714da8', 20230511],
    ['v20240229-0123456', 20240229], // leap day, 7-digit short sha
    ['v20251212-0123456789abcdef0123456789abcdef01234567', 20251212] // full 40-digit sha
  ])('accepts release tag %s with key %d', (tag, key) => {
    expect(kindnetCandidate(tag)).toEqual({ tag, key: [key] })
    expect(kindnetMatcher.match(tag)).toEqual({ tag, key: [key] })
  })

  test.each([
    ['latest', 'not a release tag'],
    ['0.5.4', 'very old semver tag'],
    ['0.1.0', 'very old semver tag'],
    ['v0.5.4', 'semver with v'],
    ['v20251212-v0.29.0-alpha-105-g20ccfc88', 'git-describe tag'],
    ['v20251340-abcdef12', 'month 13, day 40'],
    ['v20250230-abcdef12', 'February 30'],
    ['v20250229-abcdef12', 'February 29 of a non-leap year'],
    ['v20250001-abcdef12', 'month 0'],
    ['v20250100-abcdef12', 'day 0'],
    ['v20250512-DF8DE77B', 'uppercase hex'],
    ['v20250512-df8De77b', 'mixed-case hex'],
    ['v20250512-df8de7', 'sha shorter than 7'],
    ['v20250512-0123456789abcdef0123456789abcdef012345678', 'sha longer than 40'],
    ['v20250512-xyz1234', 'not hex'],
    ['20250512-df8de77b', 'no leading v'],
    ['V20250512-df8de77b', 'uppercase V'],
    ['v2025512-df8de77b', 'seven-digit date'],
    ['v20250512df8de77b', 'no dash'],
    ['v20250512-df8de77b-dirty', 'suffix'],
    [' v20250512-df8de77b', 'leading space'],
    ['v20250512-df8de77b\n', 'trailing newline'],
    ['', 'empty']
  ])('ignores %j (%s)', (tag) => {
    expect(kindnetCandidate(tag)).toBeUndefined()
    expect(kindnetMatcher.match(tag)).toBeUndefined()
  })

  test('describes what it expects', () => {
    expect(kindnetMatcher.expected).toContain('v<YYYYMMDD>')
  })

  test.each<[string, string[], string | undefined]>([
    ['newest first (last_updated order)', ['v20250512-df8de77b', 'v20250214-acbabc1a'], 'v20250512-df8de77b'],
    [
      're-pushed old tag listed first',
      ['v20230511-dc714da8', 'v20250512-df8de77b', 'v20250214-acbabc1a'],
      'v20250512-df8de77b'
    ],
    [
      're-pushed old tag listed last',
      ['v20250214-acbabc1a', 'v20250512-df8de77b', 'v20230511-dc714da8'],
      'v20250512-df8de77b'
    ],
    [
      'git-describe tag with a later date is ignored',
      ['v20251212-v0.29.0-alpha-105-g20ccfc88', 'latest', 'v20250512-df8de77b'],
      'v20250512-df8de77b'
    ],
    ['invalid later date is ignored', ['v20251340-abcdef12', 'v20250512-df8de77b'], 'v20250512-df8de77b'],
    ['uppercase-hex later tag is ignored', ['v20260101-ABCDEF12', 'v20250512-df8de77b'], 'v20250512-df8de77b'],
    ['semver tags never win', ['0.5.4', '0.1.0', 'v20230511-dc714da8'], 'v20230511-dc714da8'],
    [
      'same date: the first seen (newest push) is kept',
      ['v20250512-aaaaaaa', 'v20250512-bbbbbbb'],
      'v20250512-aaaaaaa'
    ],
    ['ordering is by date, not lexically by sha', ['v20250101-fffffff', 'v20250102-0000000'], 'v20250102-0000000'],
    ['nothing matches', ['latest', '0.5.4', '0.1.0', 'v20251212-v0.29.0-alpha-105-g20ccfc88'], undefined],
    ['no tags at all', [], undefined]
  ])('picks the newest by tag date: %s', (_name, tags, expected) => {
    expect(pick(kindnetMatcher, tags)).toBe(expected)
  })
})

describe('kindnetCommit', () => {
  test.each<[string, string | undefined]>([
    ['v20250512-df8de77b', 'df8de77b'],
    ['v20240229-0123456', '0123456'],
    ['v20251212-v0.29.0-alpha-105-g20ccfc88', undefined],
    ['latest', undefined],
    ['0.5.4', undefined],
    ['v20250512-DF8DE77B', undefined]
  ])('%s → %s', (tag, commit) => {
    expect(kindnetCommit(tag)).toBe(commit)
  })
})

describe('Best', () => {
  test('counts what it saw and what it considered', () => {
    const best = new Best()
    for (const tag of ['latest', 'v20250512-df8de77b', '0.5.4', 'v20230511-dc714da8']) best.offer(kindnetCandidate(tag))
    expect(best.seen).toBe(4)
    expect(best.considered).toBe(2)
    expect(best.current?.tag).toBe('v20250512-df8de77b')
  })

  test('starts empty', () => {
    const best = new Best()
    best.offer(undefined)
    expect(best.current).toBeUndefined()
    expect(best.seen).toBe(1)
    expect(best.considered).toBe(0)
  })

  test.each<[number[], number[], number]>([
    [[1], [2], -1],
    [[2], [1], 1],
    [[3], [3], 0],
    [[0], [-1], 1], // an exact OCI tag (-1) ranks below .0
    [[1, 2], [1], 1], // a longer key beats its prefix
    [[1], [1, 0], -1]
  ])('compareKeys(%j, %j) has sign %d', (a, b, sign) => {
    expect(Math.sign(compareKeys(a, b))).toBe(sign)
  })

  test('keeps the first of equal keys', () => {
    const best = new Best()
    const first: Candidate = { tag: 'a', key: [5] }
    best.offer(first)
    best.offer({ tag: 'b', key: [5] })
    expect(best.current).toBe(first)
  })
})

describe("quayKubeProxyMatcher('4.20.0-okd-scos')", () => {
  const matcher = quayKubeProxyMatcher('4.20.0-okd-scos')

  test.each([
    ['4.20.0-okd-scos.0-kube-proxy', 0],
    ['4.20.0-okd-scos.6-kube-proxy', 6],
    ['4.20.0-okd-scos.10-kube-proxy', 10],
    ['4.20.0-okd-scos.11-kube-proxy', 11],
    ['4.20.0-okd-scos.16-kube-proxy', 16]
  ])('accepts %s with key %d', (tag, n) => {
    expect(matcher.match(tag)).toEqual({ tag, key: [n] })
  })

  test.each([
    ['4.20.0-okd-scos.ec.4-kube-proxy', 'ec pre-release'],
    ['4.20.0-okd-scos.rc.1-kube-proxy', 'rc pre-release'],
    ['4.12.0-0.okd-scos-2022-10-22-232744-kube-proxy', 'old nightly'],
    ['4.13.0-0.okd-scos-2023-03-02-113541-kube-proxy', 'old nightly'],
    ['4.21.0-okd-scos.1-kube-proxy', 'another version'],
    ['4.19.0-okd-scos.21-kube-proxy', 'an older version'],
    ['4.20.1-okd-scos.1-kube-proxy', 'another patch version'],
    ['14.20.0-okd-scos.1-kube-proxy', 'version as a suffix of a longer one'],
    ['4.20.0-okd-scos.11-cli', 'another component'],
    ['4.20.0-okd-scos.11-kube-proxy-rhel9', 'a component with a suffix'],
    ['4.20.0-okd-scos.11', 'the release tag without a component'],
    ['4.20.0-okd-scos-kube-proxy', 'no release number'],
    ['4.20.0-okd-scos.-kube-proxy', 'empty release number'],
    ['4.20.0-okd-scos.1a-kube-proxy', 'non-numeric release number'],
    ['4x20x0-okd-scos.11-kube-proxy', 'dots of the version are literal'],
    ['4.20.0-okd-scosX11-kube-proxy', 'the dot before N is literal']
  ])('never matches %s (%s)', (tag) => {
    expect(matcher.match(tag)).toBeUndefined()
  })

  test.each<[string, string[], string | undefined]>([
    [
      '.11 beats .6 and .10 numerically',
      ['4.20.0-okd-scos.6-kube-proxy', '4.20.0-okd-scos.11-kube-proxy', '4.20.0-okd-scos.10-kube-proxy'],
      '4.20.0-okd-scos.11-kube-proxy'
    ],
    [
      'push order does not matter',
      ['4.20.0-okd-scos.10-kube-proxy', '4.20.0-okd-scos.9-kube-proxy', '4.20.0-okd-scos.11-kube-proxy'],
      '4.20.0-okd-scos.11-kube-proxy'
    ],
    [
      'newer pre-releases, versions and components are skipped',
      [
        '4.21.0-okd-scos.1-kube-proxy',
        '4.20.0-okd-scos.rc.1-kube-proxy',
        '4.20.0-okd-scos.ec.4-kube-proxy',
        '4.20.0-okd-scos.12-cli',
        '4.20.0-okd-scos.12',
        '4.20.0-okd-scos.2-kube-proxy',
        '4.12.0-0.okd-scos-2022-10-22-232744-kube-proxy'
      ],
      '4.20.0-okd-scos.2-kube-proxy'
    ],
    ['only pre-releases: nothing', ['4.20.0-okd-scos.ec.4-kube-proxy', '4.20.0-okd-scos.rc.1-kube-proxy'], undefined]
  ])('%s', (_name, tags, expected) => {
    expect(pick(matcher, tags)).toBe(expected)
  })

  test('describes what it expects', () => {
    expect(matcher.expected).toContain('4.20.0-okd-scos.<N>-kube-proxy')
  })
})

describe('quayKubeProxyMatcher escapes regex metacharacters of the version', () => {
  test.each<[string, string, boolean]>([
    ['a+b(c)', 'a+b(c).3-kube-proxy', true],
    ['a+b(c)', 'aab(c).3-kube-proxy', false],
    ['a+b(c)', 'aaab.3-kube-proxy', false],
    ['4.*', '4.*.1-kube-proxy', true],
    ['4.*', '4.20.0-okd-scos.1-kube-proxy', false],
    ['4.20.0-okd-scos', '4a20b0-okd-scos.1-kube-proxy', false],
    ['[4]', '4.1-kube-proxy', false],
    ['$^', '$^.1-kube-proxy', true]
  ])('version %j, tag %j → %s', (version, tag, matches) => {
    expect(quayKubeProxyMatcher(version).match(tag) !== undefined).toBe(matches)
  })
})

describe("ociKubeProxyMatcher('v1.34')", () => {
  const matcher = ociKubeProxyMatcher('v1.34')

  test.each([
    ['v1.34.0', 0],
    ['v1.34.9', 9],
    ['v1.34.10', 10],
    ['v1.34', -1]
  ])('accepts %s with key %j', (tag, n) => {
    expect(matcher.match(tag)).toEqual({ tag, key: [n] })
  })

  test.each([
    ['v1.35.0-rc.1', 'pre-release of another version'],
    ['v1.34.3-alpha.1', 'alpha'],
    ['v1.34.3-beta.0', 'beta'],
    ['v1.34.0-rc.1', 'rc'],
    ['v1.340.1', 'longer minor'],
    ['v1.3.4', 'different digits'],
    ['v1x34.1', 'the dot of the version is literal'],
    ['v1.34.1.2', 'four components'],
    ['v1.34.', 'empty patch'],
    ['1.34.1', 'no v'],
    ['v1.34.1-kube-proxy', 'Quay-style suffix'],
    ['latest', 'latest']
  ])('never matches %s (%s)', (tag) => {
    expect(matcher.match(tag)).toBeUndefined()
  })

  test.each<[string, string[], string | undefined]>([
    ['v1.34.10 over v1.34.9', ['v1.34.9', 'v1.34.10', 'v1.34.2'], 'v1.34.10'],
    ['lexical order (as tags/list answers)', ['v1.34.0', 'v1.34.10', 'v1.34.2', 'v1.34.9'], 'v1.34.10'],
    ['pre-releases and other versions excluded', ['v1.35.0-rc.1', 'v1.34.3-alpha.1', 'v1.340.1', 'v1.34.2'], 'v1.34.2'],
    ['exact tag ranks below .0 (exact first)', ['v1.34', 'v1.34.0'], 'v1.34.0'],
    ['exact tag ranks below .0 (exact last)', ['v1.34.0', 'v1.34'], 'v1.34.0'],
    ['exact tag alone is accepted', ['v1.35.0-rc.1', 'v1.34'], 'v1.34'],
    ['nothing matches', ['v1.35.0', 'v1.33.7'], undefined]
  ])('%s', (_name, tags, expected) => {
    expect(pick(matcher, tags)).toBe(expected)
  })

  test('escapes the version', () => {
    expect(ociKubeProxyMatcher('v1.34').match('v1a34.1')).toBeUndefined()
    expect(ociKubeProxyMatcher('v1+34').match('v1+34.2')).toEqual({ tag: 'v1+34.2', key: [2] })
    expect(ociKubeProxyMatcher('v1+34').match('v11134.2')).toBeUndefined()
  })
})

describe('recorded registry data', () => {
  test('Quay: all rows of quay-tags.json → 4.20.0-okd-scos.11-kube-proxy', () => {
    const rows = fixture<{ repositories: Record<string, Array<{ name: string }>> }>('quay-tags.json').repositories[
      'okd/scos-content'
    ]
    expect(rows.length).toBe(104)
    const best = new Best()
    for (const row of rows) best.offer(quayKubeProxyMatcher('4.20.0-okd-scos').match(row.name))
    expect(best.current?.tag).toBe('4.20.0-okd-scos.11-kube-proxy')
    expect(best.seen).toBe(104)
    expect(best.considered).toBe(12) // .0 … .11; ec/rc, 4.17–4.19, 4.21 and nightlies skipped
  })

  test.each([
    ['4.19.0-okd-scos', '4.19.0-okd-scos.21-kube-proxy'],
    ['4.17.0-okd-scos', '4.17.0-okd-scos.25-kube-proxy'],
    ['4.21.0-okd-scos', undefined] // only ec pre-releases recorded
  ])('Quay: version %s → %s', (version, expected) => {
    const rows = fixture<{ repositories: Record<string, Array<{ name: string }>> }>('quay-tags.json').repositories[
      'okd/scos-content'
    ]
    expect(
      pick(
        quayKubeProxyMatcher(version),
        rows.map((r) => r.name)
      )
    ).toBe(expected)
  })

  test('Docker Hub: all tags of docker-hub-tags.json → v20250512-df8de77b', () => {
    const tags = fixture<{ repositories: Record<string, Array<{ name: string }>> }>('docker-hub-tags.json')
      .repositories['kindest/kindnetd']
    const names = tags.map((t) => t.name)
    expect(names).toContain('0.5.4')
    expect(pick(kindnetMatcher, names)).toBe('v20250512-df8de77b')
    // and in reverse order, as if the oldest had been re-pushed to the top
    expect(pick(kindnetMatcher, [...names].reverse())).toBe('v20250512-df8de77b')
  })
})
