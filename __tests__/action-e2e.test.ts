import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { startGitHubLookalike, type GitHubLookalike } from '../tools/github-lookalike.mjs'
import { loadRecordedData, startLookalike, type Lookalike } from '../tools/lookalike.mjs'
import {
  ASSETS,
  git,
  gitShow,
  makeRepo,
  publishKubeProxy12,
  pullRequestInputs,
  remoteHeads,
  runAction,
  type ActionRun
} from './support/action.js'
import { COMMITTED, contents, GENERATED, snapshot } from './support/cli.js'

/**
 * End to end: the bundled action, as the runner runs it, against a local bare repository as
 * origin, a look-alike of the GitHub REST API and the registry look-alike. Walks the whole
 * pull-request lifecycle — created, none, updated, closed — and the refusals around it.
 */

const TOKEN = 'ghs_testtoken'
const BRANCH = 'kindnet-updater/update-manifests'
const OLD = 'sha256:585cdfeab0f6b006bb9cca22dd0f543424c424959a0ebe355c233f0d41ee724f'
const NEW = 'sha256:182c4934a99762929597de8a3dce9c5980dc957eaa599199eb63f65669bd2643'

let registry: Lookalike
let github: GitHubLookalike

beforeAll(async () => {
  registry = await startLookalike()
})
afterAll(async () => {
  await registry.close()
})
beforeEach(async () => {
  Object.assign(registry.data, loadRecordedData())
  if (github) await github.close()
  github = await startGitHubLookalike({ token: TOKEN })
})
afterAll(async () => {
  await github?.close()
})

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return pullRequestInputs(registry.url, TOKEN, {
    branch: BRANCH,
    labels: 'dependencies, kindnet',
    reviewers: 'alice',
    assignees: 'bob',
    ...extra
  })
}

function run(
  workspace: string,
  extra: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction(workspace, inputs(extra), { GITHUB_API_URL: github.url, ...env })
}

function expectNoToken(result: ActionRun, repoDir: string): void {
  // The runner consumes ::add-mask:: lines (that is how it learns to mask the token); nothing else may show it.
  const stdout = result.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
  expect(result.stdout).toContain(`::add-mask::${TOKEN}`)
  for (const text of [stdout, result.stderr, result.summary, JSON.stringify(github.state)]) {
    expect(text).not.toContain(TOKEN)
  }
  expect(readFileSync(path.join(repoDir, '.git', 'config'), 'utf8')).not.toContain(TOKEN)
}

describe('the pull-request lifecycle', () => {
  test('created → none → updated → closed', async () => {
    const repo = makeRepo(COMMITTED)
    const mainBefore = remoteHeads(repo.origin).main
    github.faults.labels422 = 1 // GitHub's transient 422 right after creating a PR

    // 1. created: one commit on top of main, changing only kube-proxy files under assets-dir.
    const created = await run(repo.workspace)
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    expect(created.outputs).toMatchObject({
      changed: 'true',
      'pull-request-operation': 'created',
      'pull-request-number': '1',
      'pull-request-url': 'https://github.com/octo/microshift/pull/1',
      branch: BRANCH,
      'kube-proxy-tag': '4.20.0-okd-scos.11-kube-proxy',
      'kube-proxy-digest-x86_64': NEW,
      'kube-proxy-digest-aarch64': NEW,
      'kindnet-tag': 'v20250512-df8de77b'
    })
    const heads = remoteHeads(repo.origin)
    expect(heads.main).toBe(mainBefore) // the base is never touched
    expect(git(repo.origin, 'rev-parse', `${heads[BRANCH]}^`)).toBe(mainBefore)
    const changedFiles = git(repo.origin, 'diff', '--name-only', mainBefore, heads[BRANCH]).split('\n')
    expect(changedFiles.length).toBeGreaterThan(0)
    for (const file of changedFiles) expect(file.startsWith(`${ASSETS}/kube-proxy/`)).toBe(true)
    // Every kube-proxy file on the branch is the generator's; every kindnet file is main's.
    for (const [rel, content] of Object.entries(contents(GENERATED))) {
      const onBranch = gitShow(repo.origin, `${heads[BRANCH]}:${ASSETS}/${rel}`)
      const onMain = gitShow(repo.origin, `${mainBefore}:${ASSETS}/${rel}`)
      expect(onBranch).toBe(rel.startsWith('kube-proxy/') ? content : onMain)
    }
    const pr = github.state.pulls[0]
    expect(pr).toMatchObject({ number: 1, state: 'open', title: 'Update kube-proxy to 4.20.0-okd-scos.11-kube-proxy' })
    expect(pr.head.ref).toBe(BRANCH)
    expect(pr.base.ref).toBe('main')
    expect(pr.body).toContain('| `sha256:585cdfeab0f6…` | `sha256:182c4934a997…` | updated |')
    expect(pr.body).toContain('https://github.com/okd-project/okd/releases/tag/4.20.0-okd-scos.11')
    expect(pr.body).toContain('using the x86_64 digest') // the fallback warning
    expect(pr.body).toContain('start no workflows') // GITHUB_TOKEN note
    expect(pr.labels.map((l) => l.name).sort()).toEqual(['dependencies', 'kindnet'])
    expect(pr.requested_reviewers.map((u) => u.login)).toEqual(['alice'])
    expect(pr.assignees.map((u) => u.login)).toEqual(['bob'])
    expect(created.summary).toContain('Update available for kube-proxy')
    expect(created.summary).toContain('| kube-proxy | x86_64 |')
    expect(created.stdout).toContain('::group::')
    // The workspace checkout is untouched: the action works from the base, not the work tree.
    expect(git(repo.workspace, 'status', '--porcelain')).toBe('')
    expectNoToken(created, repo.workspace)

    // 2. none: the branch already holds exactly these files.
    const again = await run(repo.workspace)
    expect(again.code).toBe(0)
    expect(again.outputs['pull-request-operation']).toBe('none')
    expect(again.outputs['pull-request-number']).toBe('1')
    expect(remoteHeads(repo.origin)[BRANCH]).toBe(heads[BRANCH])

    // 3. updated: the registry moves again; the same PR is rebuilt from the base and refreshed.
    const list12 = publishKubeProxy12(registry.data)
    const updated = await run(repo.workspace)
    expect(updated.code).toBe(0)
    expect(updated.outputs).toMatchObject({
      'pull-request-operation': 'updated',
      'pull-request-number': '1',
      'kube-proxy-tag': '4.20.0-okd-scos.12-kube-proxy'
    })
    const headsAfterUpdate = remoteHeads(repo.origin)
    expect(headsAfterUpdate[BRANCH]).not.toBe(heads[BRANCH])
    expect(git(repo.origin, 'rev-parse', `${headsAfterUpdate[BRANCH]}^`)).toBe(mainBefore)
    expect(github.state.pulls).toHaveLength(1)
    expect(github.state.pulls[0].title).toBe('Update kube-proxy to 4.20.0-okd-scos.12-kube-proxy')
    expect(list12).toMatch(/^sha256:/)

    // 4. closed: main gets the update by other means; the PR is obsolete.
    git(repo.other, 'fetch', '--quiet', 'origin')
    git(repo.other, 'push', '--quiet', 'origin', `${headsAfterUpdate[BRANCH]}:refs/heads/main`)
    const closed = await run(repo.workspace)
    expect(closed.code).toBe(0)
    expect(closed.outputs).toMatchObject({
      changed: 'false',
      'pull-request-operation': 'closed',
      'pull-request-number': '1'
    })
    expect(github.state.pulls[0].state).toBe('closed')
    expect(github.state.comments.at(-1)?.body).toContain('obsolete')
    expect(remoteHeads(repo.origin)[BRANCH]).toBeUndefined()

    // And then nothing to do.
    const idle = await run(repo.workspace)
    expect(idle.outputs).toMatchObject({
      changed: 'false',
      'pull-request-operation': 'none',
      'pull-request-number': ''
    })
    expectNoToken(idle, repo.workspace)
  })

  test('a branch with a foreign commit is not overwritten: comment, warn, none', async () => {
    const repo = makeRepo(COMMITTED)
    expect((await run(repo.workspace)).outputs['pull-request-operation']).toBe('created')
    // A maintainer pushes a commit on the bot branch.
    git(repo.other, 'fetch', '--quiet', 'origin')
    git(repo.other, 'checkout', '--quiet', '-B', 'work', `origin/${BRANCH}`)
    writeFileSync(path.join(repo.other, 'NOTES.md'), 'tested on arm64\n')
    git(repo.other, 'add', 'NOTES.md')
    git(repo.other, 'commit', '--quiet', '-m', 'Add test notes')
    git(repo.other, 'push', '--quiet', 'origin', `HEAD:refs/heads/${BRANCH}`)
    const foreign = remoteHeads(repo.origin)[BRANCH]

    publishKubeProxy12(registry.data)
    const result = await run(repo.workspace)
    expect(result.code).toBe(0)
    expect(result.outputs['pull-request-operation']).toBe('none')
    expect(result.stdout).toMatch(/::warning::.*carries commits that kindnet-updater did not make/)
    expect(remoteHeads(repo.origin)[BRANCH]).toBe(foreign)
    expect(github.state.comments.at(-1)?.body).toContain('did not make')
    // A second run does not repeat the same comment.
    const comments = github.state.comments.length
    await run(repo.workspace)
    expect(github.state.comments).toHaveLength(comments)
  })

  test.each([
    ['actions-not-permitted', 422, /Allow GitHub Actions to create and approve pull requests/],
    ['actions-not-permitted', 403, /Allow GitHub Actions to create and approve pull requests/],
    ['not-accessible', 403, /pull-requests: write/]
  ] as const)('refused creation (%s, %i): one clear message, no half-made branch', async (refusal, status, message) => {
    const repo = makeRepo(COMMITTED)
    github.faults.refuseCreate = refusal
    github.faults.refuseCreateStatus = status
    const result = await run(repo.workspace)
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/::error::/)
    expect(result.stdout).toMatch(message)
    expect(Object.keys(remoteHeads(repo.origin))).toEqual(['main'])
    expect(result.outputs['pull-request-operation']).toBe('none')
    expectNoToken(result, repo.workspace)
  })

  test('the base branch already current and no PR: none, nothing pushed', async () => {
    const repo = makeRepo(GENERATED)
    const result = await run(repo.workspace)
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ changed: 'false', 'pull-request-operation': 'none' })
    expect(Object.keys(remoteHeads(repo.origin))).toEqual(['main'])
    expect(github.log.filter((e) => e.method !== 'GET')).toEqual([])
  })

  test('works from the base branch, not from the workspace: a dirty work tree does not matter', async () => {
    const repo = makeRepo(COMMITTED)
    // Someone already regenerated the files locally (uncommitted): the base still pins the old digest.
    for (const [name, content] of Object.entries(contents(GENERATED))) {
      writeFileSync(path.join(repo.workspace, ASSETS, name), content)
    }
    const before = snapshot(path.join(repo.workspace, ASSETS))
    const result = await run(repo.workspace)
    expect(result.outputs['pull-request-operation']).toBe('created')
    expect(snapshot(path.join(repo.workspace, ASSETS))).toEqual(before)
  })
})

describe('write and check modes', () => {
  test('write regenerates the changed files in the workspace and stops', async () => {
    const repo = makeRepo(COMMITTED)
    const result = await run(repo.workspace, { mode: 'write' })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ changed: 'true', 'pull-request-operation': 'none' })
    const files = contents(path.join(repo.workspace, ASSETS))
    const committed = contents(COMMITTED)
    for (const [name, content] of Object.entries(contents(GENERATED))) {
      expect(files[name]).toBe(name.startsWith('kube-proxy/') ? content : committed[name])
    }
    expect(git(repo.workspace, 'status', '--porcelain')).toContain(`${ASSETS}/kube-proxy/`)
    expect(Object.keys(remoteHeads(repo.origin))).toEqual(['main'])
    expect(github.log).toEqual([])
    expect(result.summary).toContain('Update available for kube-proxy')
  })

  test('check writes nothing, opens nothing, reports; fail-on-update fails the step', async () => {
    const repo = makeRepo(COMMITTED)
    const before = snapshot(path.join(repo.workspace, ASSETS))
    const result = await run(repo.workspace, { mode: 'check' })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ changed: 'true', 'kube-proxy-digest-x86_64': NEW })
    expect(result.summary).toContain(OLD.slice(0, 19))
    const failing = await run(repo.workspace, { mode: 'check', 'fail-on-update': 'true' })
    expect(failing.code).toBe(1)
    expect(failing.stdout).toContain('::error::An update is available for kube-proxy (fail-on-update is true).')
    expect(snapshot(path.join(repo.workspace, ASSETS))).toEqual(before)
    expect(github.log).toEqual([])
  })
})

describe('inputs refused before any request', () => {
  test.each([
    [{ mode: 'merge' }, /Invalid mode 'merge'. Expected one of: pull-request, write, check/],
    [{ 'assets-dir': '../outside' }, /Invalid assets-dir '..\/outside'. Expected a folder inside the workspace/],
    [{ 'assets-dir': '/etc' }, /Invalid assets-dir '\/etc'/],
    [{ 'missing-arch': 'sometimes' }, /Invalid missing-arch policy 'sometimes'/],
    [{ 'registry-urls': 'quay.io' }, /Invalid registry URL 'quay.io'/],
    [{ 'kube-proxy-version': '4.20; rm -rf /' }, /Invalid kube-proxy version/],
    [{ branch: '-delete' }, /Invalid branch '-delete'/],
    [{ draft: 'maybe' }, /Invalid draft 'maybe'. Expected true or false/],
    [{ author: 'nobody' }, /Invalid author 'nobody'. Expected "Name <email>"/]
  ])('%j', async (extra, message) => {
    const repo = makeRepo(COMMITTED)
    registry.log.length = 0
    const result = await run(repo.workspace, extra)
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(message)
    expect(registry.log).toEqual([])
    expect(github.log).toEqual([])
  })
})

describe('an https-like origin (git smart HTTP requiring the token)', () => {
  test('fetch and push authenticate with the token as an extra header; nothing is written to .git/config', async () => {
    const { startGitHttp } = await import('../tools/git-http.mjs')
    const repo = makeRepo(COMMITTED)
    const server = await startGitHttp({ root: path.dirname(repo.origin), token: TOKEN })
    try {
      const remote = `${server.url}/origin.git`
      const header = (token: string) =>
        `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`
      // As actions/checkout leaves it: origin is the http(s) URL, and checkout's own (here: stale)
      // token sits in the local config as an extraheader for that URL.
      git(repo.workspace, 'remote', 'set-url', 'origin', remote)
      git(repo.workspace, 'config', '--local', `http.${server.url}/.extraheader`, header('ghs_checkoutsstaletoken'))
      const configBefore = readFileSync(path.join(repo.workspace, '.git', 'config'), 'utf8')

      const custom = {
        title: 'chore(kindnet): bump kube-proxy',
        'commit-message': 'chore: bump kube-proxy',
        draft: 'true'
      }
      const result = await run(repo.workspace, custom)
      expect(result.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([])
      expect(result.code).toBe(0)
      expect(result.outputs['pull-request-operation']).toBe('created')
      // Every request to the git server carried the action's token (the stale one was replaced).
      expect(server.log.length).toBeGreaterThan(0)
      expect(server.log.every((e) => e.authorized)).toBe(true)
      expect(server.log.some((e) => e.path.endsWith('/git-receive-pack'))).toBe(true)
      expect(remoteHeads(repo.origin)[BRANCH]).toMatch(/^[0-9a-f]{40}$/)
      expect(github.state.pulls[0]).toMatchObject({ title: 'chore(kindnet): bump kube-proxy', draft: true })
      expect(git(repo.origin, 'log', '-1', '--format=%s', BRANCH)).toBe('chore: bump kube-proxy')
      // A custom message still carries the trailer: the next run knows the commit as its own.
      const second = await run(repo.workspace, custom)
      expect(second.outputs['pull-request-operation']).toBe('none')
      expect(second.stdout).not.toContain('did not make')
      // The token went nowhere on disk: the checkout's config is exactly as before.
      expect(readFileSync(path.join(repo.workspace, '.git', 'config'), 'utf8')).toBe(configBefore)
      expectNoToken(result, repo.workspace)
    } finally {
      await server.close()
    }
  })
})
