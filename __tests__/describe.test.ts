import { describe, expect, test } from '@jest/globals'
import {
  changeTable,
  commitMessage,
  defaultTitle,
  pullRequestBody,
  releaseLink,
  tokenKind,
  TRAILER
} from '../src/action/describe.js'
import type { ComponentPlan, UpdateResult } from '../src/core/update.js'

const d = (c: string) => `sha256:${c.repeat(64)}`

function plan(fields: Partial<ComponentPlan> & Pick<ComponentPlan, 'component' | 'tag'>): ComponentPlan {
  return {
    image: fields.component === 'kindnet' ? 'docker.io/kindest/kindnetd' : 'quay.io/okd/scos-content',
    source: 'test',
    digests: { x86_64: d('a'), aarch64: d('b') },
    missing: [],
    pinned: { digests: { x86_64: d('a'), aarch64: d('b') }, images: {} },
    changed: false,
    reasons: [],
    drift: [],
    files: new Map(),
    written: [],
    ...fields
  }
}

const result: UpdateResult = {
  assetsDir: '/x',
  changed: true,
  requests: 4,
  warnings: ['No aarch64 image; using the x86_64 digest'],
  components: {
    kindnet: plan({
      component: 'kindnet',
      tag: 'v20250512-df8de77b',
      changed: true,
      reasons: ['x86_64 digest a → c'],
      digests: { x86_64: d('c'), aarch64: d('e') },
      pinned: { digests: { x86_64: d('a'), aarch64: d('b') }, images: {}, tag: 'v20250214-acbabc1a' }
    }),
    'kube-proxy': plan({ component: 'kube-proxy', tag: '4.20.0-okd-scos.11-kube-proxy' })
  }
}

describe('what the user sees', () => {
  test('the title and commit message name the changed components and their tags', () => {
    expect(defaultTitle(result)).toBe('Update kindnet to v20250512-df8de77b')
    const message = commitMessage(result, defaultTitle(result))
    expect(message).toContain(`x86_64: ${d('c')}`)
    expect(message.trimEnd().endsWith(TRAILER)).toBe(true)
  })

  test('the table shows old tag → new tag where known, and pinned → newest digests', () => {
    const table = changeTable(result, 'Pinned on `main`')
    expect(table).toContain(
      '| kindnet | x86_64 | `docker.io/kindest/kindnetd` | `v20250214-acbabc1a` → `v20250512-df8de77b` |'
    )
    expect(table).toContain('`sha256:aaaaaaaaaaaa…` | `sha256:cccccccccccc…` | updated |')
    expect(table).toContain('| kube-proxy | aarch64 | `quay.io/okd/scos-content` | `4.20.0-okd-scos.11-kube-proxy` |')
    expect(table).toContain('| up to date |')
  })

  test.each([
    ['kindnet', 'v20250512-df8de77b', 'https://github.com/kubernetes-sigs/kind/commit/df8de77b'],
    [
      'kube-proxy',
      '4.20.0-okd-scos.11-kube-proxy',
      'https://github.com/okd-project/okd/releases/tag/4.20.0-okd-scos.11'
    ],
    ['kube-proxy', 'v1.34.2', 'CHANGELOG-1.34.md'],
    ['kube-proxy', 'custom', undefined]
  ] as const)('release link of %s %s', (component, tag, link) => {
    const found = releaseLink(plan({ component, tag }))
    if (link === undefined) expect(found).toBeUndefined()
    else expect(found).toContain(link)
  })

  test.each([
    ['ghs_abc', /GITHUB_TOKEN.*start no workflows/],
    ['ghp_abc', /personal access token: workflows run/],
    ['github_pat_abc', /personal access token/],
    ['other', /a token given in the `token` input/]
  ])('token kind of %s', (token, text) => {
    expect(tokenKind(token)).toMatch(text)
  })

  test('the body carries the marker, the table, the links and the warnings, never the token', () => {
    const body = pullRequestBody(result, 'main', 'src/kindnet/assets', 'ghs_secret')
    expect(body.startsWith('<!-- kindnet-updater -->')).toBe(true)
    expect(body).toContain('[kind commit df8de77b]')
    expect(body).toContain('> [!WARNING]')
    expect(body).not.toContain('ghs_secret')
  })
})
