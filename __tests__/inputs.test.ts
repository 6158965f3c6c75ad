import { beforeEach, describe, expect, jest, test } from '@jest/globals'
import { mkdirSync, symlinkSync } from 'node:fs'
import * as path from 'node:path'
import * as core from '../__fixtures__/core.js'
import { tempDir } from './support/cli.js'

jest.unstable_mockModule('@actions/core', () => core)
const { readInputs, parseList, parseIdentity, checkBranch, resolveAssetsDir } = await import('../src/action/inputs.js')
const { UsageError } = await import('../src/core/errors.js')

let workspace: string
beforeEach(() => {
  workspace = tempDir('kindnet-updater-ws-')
  mkdirSync(path.join(workspace, 'src', 'kindnet', 'assets'), { recursive: true })
})

function read(inputs: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) {
  return readInputs((name) => inputs[name] ?? '', { GITHUB_WORKSPACE: workspace, ...env })
}

function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError)
    return (err as Error).message
  }
  throw new Error('expected a UsageError')
}

describe('readInputs', () => {
  test('defaults: pull-request mode, the bot identity, the fixed branch, assets-dir in the workspace', () => {
    const inputs = read({ token: 'ghs_x' })
    expect(inputs).toMatchObject({
      mode: 'pull-request',
      branch: 'kindnet-updater/update-manifests',
      assetsPath: 'src/kindnet/assets',
      draft: false,
      failOnUpdate: false,
      labels: [],
      author: { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' }
    })
    expect(inputs.settings.assetsDir).toBe(path.join(workspace, 'src', 'kindnet', 'assets'))
    expect(inputs.settings.kubeProxyVersion).toBe('4.20.0-okd-scos')
  })

  test('tokens are masked before anything else happens', () => {
    read({
      token: 'ghs_x',
      'docker-hub-username': 'me',
      'docker-hub-token': 'dckr_pat_y',
      'quay-username': 'r',
      'quay-token': 'q'
    })
    expect(core.setSecret.mock.calls.map((c) => c[0]).sort()).toEqual(['dckr_pat_y', 'ghs_x', 'q'])
  })

  test('registry credentials from inputs win over the environment', () => {
    const inputs = read(
      { token: 't', 'docker-hub-username': 'me', 'docker-hub-token': 'tok' },
      { DOCKERHUB_USERNAME: 'env', DOCKERHUB_TOKEN: 'envtok', QUAY_USERNAME: 'qu', QUAY_TOKEN: 'qt' }
    )
    expect(inputs.settings.credentials['docker.io']).toEqual({ username: 'me', password: 'tok' })
    expect(inputs.settings.credentials['quay.io']).toEqual({ username: 'qu', password: 'qt' })
  })

  test('KUBE_PROXY_VERSION in the environment does not override the input', () => {
    expect(read({ token: 't' }, { KUBE_PROXY_VERSION: '4.18.0-okd-scos' }).settings.kubeProxyVersion).toBe(
      '4.20.0-okd-scos'
    )
  })

  test('lists, booleans and identities', () => {
    const inputs = read({
      token: 't',
      labels: 'a, b\nc,,',
      reviewers: 'alice\norg/team',
      draft: 'TRUE',
      'fail-on-update': 'false',
      author: 'Jane Doe <jane@example.com>'
    })
    expect(inputs.labels).toEqual(['a', 'b', 'c'])
    expect(inputs.reviewers).toEqual(['alice', 'org/team'])
    expect(inputs.draft).toBe(true)
    expect(inputs.author).toEqual({ name: 'Jane Doe', email: 'jane@example.com' })
  })

  test.each([
    [{ mode: 'dry-run' }, "Invalid mode 'dry-run'. Expected one of: pull-request, write, check."],
    [{ 'fail-on-update': 'yes' }, "Invalid fail-on-update 'yes'. Expected true or false."],
    [{ branch: 'feature..x' }, "Invalid branch 'feature..x'"],
    [{ branch: 'main', base: 'main' }, "It must differ from the base branch 'main'"],
    [{ base: 'bad base' }, "Invalid base 'bad base'"],
    [{ committer: 'Bot <not an email>' }, "Invalid committer 'Bot <not an email>'"],
    [{ token: '' }, 'The token input is empty'],
    [{ 'quay-token': 'q' }, 'set both quay-username and quay-token, or neither'],
    [{ 'assets-dir': '..' }, "Invalid assets-dir '..'"],
    [{ 'assets-dir': '.' }, "Invalid assets-dir '.'"]
  ])('%j is refused', (inputs, message) => {
    expect(refusal(() => read({ token: 't', ...inputs }))).toContain(message)
  })

  test('check and write modes need no token', () => {
    expect(read({ mode: 'check' }).mode).toBe('check')
    expect(read({ mode: 'write' }).mode).toBe('write')
  })
})

describe('pieces', () => {
  test('an assets-dir that escapes through a symlink is refused', () => {
    const outside = tempDir('kindnet-updater-outside-')
    symlinkSync(outside, path.join(workspace, 'escape'))
    expect(refusal(() => resolveAssetsDir(workspace, 'escape/assets'))).toContain('inside the workspace')
    expect(resolveAssetsDir(workspace, 'src/kindnet/assets').relative).toBe('src/kindnet/assets')
    expect(resolveAssetsDir(workspace, '..assets').relative).toBe('..assets') // a name, not a parent
  })

  test.each(['kindnet-updater/update-manifests', 'main', 'release-4.20', 'a/b_c.d'])('branch %s is valid', (b) => {
    expect(checkBranch('branch', b)).toBe(b)
  })

  test.each(['-x', '/x', 'x/', 'x.lock', 'a//b', 'a/.b', 'a b', 'a~1', 'a^', 'a:b', ''])(
    'branch %j is refused',
    (b) => {
      expect(() => checkBranch('branch', b)).toThrow(UsageError)
    }
  )

  test('parseList and parseIdentity', () => {
    expect(parseList(' x ,\n y\n\n')).toEqual(['x', 'y'])
    expect(parseIdentity('author', 'A B <a@b.c>')).toEqual({ name: 'A B', email: 'a@b.c' })
    expect(() => parseIdentity('author', '<a@b.c>')).toThrow(/Expected "Name <email>"/)
  })
})
