// Tests of tools/github-lookalike.mjs: the local GitHub REST API look-alike (pull requests, comments,
// labels, reviewers, assignees, faults) — with plain fetch and with the real toolkit (@actions/github).
import { afterEach, describe, expect, it } from '@jest/globals'
import { startGitHubLookalike } from '../tools/github-lookalike.mjs'
import type { GitHubLookalike } from '../tools/github-lookalike.mjs'

const TOKEN = 'ghs_testtoken'
const REPO = '/repos/octo/microshift'
const CREATE_DOC = 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request'

let server: GitHubLookalike | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function start(options?: Parameters<typeof startGitHubLookalike>[0]) {
  server = await startGitHubLookalike(options)
  return server
}

async function call(method: string, path: string, body?: unknown, auth: string | null = `token ${TOKEN}`) {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' }
  if (auth !== null) headers.authorization = auth
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(server!.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { res, status: res.status, body: (await res.json()) as any }
}

const create = (head: string, extra: Record<string, unknown> = {}) =>
  call('POST', `${REPO}/pulls`, { title: `Update ${head}`, head, base: 'main', body: 'digests', ...extra })

async function octokitFor(s: GitHubLookalike, ...plugins: any[]) {
  const { getOctokit } = await import('@actions/github')
  return (options: Record<string, unknown> = {}) => getOctokit(s.token, { baseUrl: s.url, ...options }, ...plugins)
}

describe('authentication and routing (fetch)', () => {
  it('answers 401 without the token and never logs the header value', async () => {
    const s = await start()
    const none = await call('GET', REPO, undefined, null)
    expect(none.status).toBe(401)
    expect(none.body).toEqual({
      message: 'Requires authentication',
      documentation_url: 'https://docs.github.com/rest',
      status: '401'
    })
    const wrong = await call('GET', REPO, undefined, 'token ghs_wrong')
    expect(wrong.body).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401'
    })
    const bearer = await call('GET', REPO, undefined, `Bearer ${TOKEN}`)
    expect(bearer.status).toBe(200)
    expect(bearer.body).toMatchObject({
      name: 'microshift',
      full_name: 'octo/microshift',
      owner: { login: 'octo' },
      default_branch: 'main',
      html_url: 'https://github.com/octo/microshift'
    })
    expect(s.log.map((e) => [e.status, e.auth])).toEqual([
      [401, false],
      [401, false],
      [200, true]
    ])
    expect(JSON.stringify(s.log)).not.toContain(TOKEN)
    expect(JSON.stringify(s.log)).not.toContain('ghs_wrong')
  })

  it('answers 404 in GitHub shape for unknown paths and other repositories', async () => {
    await start()
    for (const path of ['/nope', `${REPO}/pulls/1`, '/repos/someone/else/pulls', `${REPO}/releases`]) {
      const { status, body } = await call('GET', path)
      expect(status).toBe(404)
      expect(body.message).toBe('Not Found')
      expect(body.status).toBe('404')
    }
    expect((await call('GET', '/nope')).body).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404'
    })
    expect((await call('GET', `${REPO}/pulls/9`)).body.documentation_url).toBe(
      'https://docs.github.com/rest/pulls/pulls#get-a-pull-request'
    )
  })

  it('answers 400 to a body that is not JSON and logs bodies', async () => {
    const s = await start()
    const res = await fetch(`${s.url}${REPO}/pulls`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}` },
      body: '{oops'
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as any).message).toBe('Problems parsing JSON')
    await create('b')
    expect(s.log.map((e) => e.body)).toEqual(['{oops', { title: 'Update b', head: 'b', base: 'main', body: 'digests' }])
  })
})

describe('pull requests (fetch)', () => {
  it('creates a PR in the real shape and refuses a second open one for the same head', async () => {
    const s = await start()
    s.state.headShas['kindnet-update'] = 'a'.repeat(40)
    const { status, body, res } = await create('kindnet-update', { draft: true })
    expect(status).toBe(201)
    expect(res.headers.get('location')).toBe(`${s.url}${REPO}/pulls/1`)
    expect(body).toMatchObject({
      url: `${s.url}${REPO}/pulls/1`,
      html_url: 'https://github.com/octo/microshift/pull/1',
      number: 1,
      state: 'open',
      locked: false,
      title: 'Update kindnet-update',
      body: 'digests',
      draft: true,
      user: { login: 'github-actions[bot]', type: 'Bot' },
      labels: [],
      requested_reviewers: [],
      assignees: [],
      head: { label: 'octo:kindnet-update', ref: 'kindnet-update', sha: 'a'.repeat(40) },
      base: { label: 'octo:main', ref: 'main', sha: '0'.repeat(40), repo: { full_name: 'octo/microshift' } },
      closed_at: null,
      merged_at: null
    })
    expect(typeof body.id).toBe('number')
    expect(typeof body.node_id).toBe('string')
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(s.state.pulls).toHaveLength(1)
    expect(s.state.nextNumber).toBe(2)

    const again = await create('octo:kindnet-update')
    expect(again.status).toBe(422)
    expect(again.body).toEqual({
      message: 'Validation Failed',
      errors: [
        { resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for octo:kindnet-update.' }
      ],
      documentation_url: CREATE_DOC,
      status: '422'
    })
    expect((await create('main')).body.errors[0].message).toBe('No commits between main and main')
    const missing = await call('POST', `${REPO}/pulls`, { title: 'x', base: 'main' })
    expect(missing.status).toBe(422)
    expect(missing.body.message).toBe('Invalid request.\n\n"head" wasn\'t supplied.')
  })

  it('lists with state/head/base filters (a head without owner: is ignored, as on GitHub)', async () => {
    const s = await start()
    await create('a')
    await create('b')
    s.addPull({ head: { ref: 'old' }, state: 'closed', closed_at: '2025-01-01T00:00:00Z', title: 'Old' })
    const list = async (q: string) => (await call('GET', `${REPO}/pulls${q}`)).body.map((p: any) => p.head.ref)
    expect(await list('')).toEqual(['b', 'a'])
    expect(await list('?state=closed')).toEqual(['old'])
    expect((await list('?state=all')).sort()).toEqual(['a', 'b', 'old'])
    expect(await list('?head=octo:a')).toEqual(['a'])
    expect(await list('?head=OCTO:a&state=all')).toEqual(['a'])
    expect(await list('?head=someone:a')).toEqual([])
    expect(await list('?head=a')).toEqual(['b', 'a'])
    expect(await list('?base=release')).toEqual([])
    expect(await list('?direction=asc')).toEqual(['a', 'b'])
    expect((await call('GET', `${REPO}/pulls?state=bogus`)).status).toBe(422)
  })

  it('pages with a Link header that points at /repositories/{id} (which is served too)', async () => {
    const s = await start()
    for (const b of ['a', 'b', 'c']) await create(b)
    const first = await call('GET', `${REPO}/pulls?state=all&per_page=2`)
    expect(first.body).toHaveLength(2)
    const link = first.res.headers.get('link')!
    expect(link).toMatch(
      /^<http:\/\/127\.0\.0\.1:\d+\/repositories\/\d+\/pulls\?state=all&per_page=2&page=2>; rel="next", </
    )
    expect(link).toContain('rel="last"')
    const next = /<([^>]+)>; rel="next"/.exec(link)![1]
    const second = await call('GET', next.slice(s.url.length))
    expect(second.body.map((p: any) => p.head.ref)).toEqual(['a'])
    expect(second.res.headers.get('link')).toContain('rel="prev"')
    expect(second.res.headers.get('link')).not.toContain('rel="next"')
    expect((await call('GET', `${REPO}/pulls`)).res.headers.get('link')).toBeNull()
  })

  it('gets, updates, closes and reopens; open PRs follow headShas', async () => {
    const s = await start()
    await create('x')
    s.state.headShas.x = 'b'.repeat(40)
    expect((await call('GET', `${REPO}/pulls/1`)).body).toMatchObject({ number: 1, head: { sha: 'b'.repeat(40) } })
    const upd = await call('PATCH', `${REPO}/pulls/1`, { title: 'New title', body: 'new body' })
    expect(upd.status).toBe(200)
    expect(upd.body).toMatchObject({ title: 'New title', body: 'new body', state: 'open', closed_at: null })
    const closed = await call('PATCH', `${REPO}/pulls/1`, { state: 'closed' })
    expect(closed.body.state).toBe('closed')
    expect(closed.body.closed_at).toMatch(/Z$/)
    expect(s.state.pulls[0].state).toBe('closed')
    s.state.headShas.x = 'c'.repeat(40)
    expect((await call('GET', `${REPO}/pulls/1`)).body.head.sha).toBe('b'.repeat(40))
    expect((await call('GET', `${REPO}/pulls`)).body).toEqual([])
    expect((await create('x')).body.number).toBe(2)
    const reopen = await call('PATCH', `${REPO}/pulls/1`, { state: 'open' })
    expect(reopen.status).toBe(422)
    expect(reopen.body.errors[0].message).toBe('A pull request already exists for octo:x.')
    await call('PATCH', `${REPO}/pulls/2`, { state: 'closed' })
    const reopened = await call('PATCH', `${REPO}/pulls/1`, { state: 'open' })
    expect(reopened.body).toMatchObject({ state: 'open', closed_at: null, head: { sha: 'c'.repeat(40) } })
    expect((await call('PATCH', `${REPO}/pulls/1`, { state: 'merged' })).status).toBe(422)
  })

  it('completes seeded partial PRs and numbers new ones after them', async () => {
    const s = await start()
    s.state.pulls.push({ number: 7, head: { ref: 'seeded' }, title: 'Seeded' } as any)
    const listed = (await call('GET', `${REPO}/pulls?head=octo:seeded`)).body
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ number: 7, state: 'open', base: { ref: 'main' }, user: { type: 'Bot' } })
    expect((await create('next')).body.number).toBe(8)
  })
})

describe('comments, labels, reviewers, assignees (fetch)', () => {
  it('answers each in the real shape', async () => {
    const s = await start()
    await create('x')
    const c = await call('POST', `${REPO}/issues/1/comments`, { body: 'hello' })
    expect(c.status).toBe(201)
    expect(c.body).toMatchObject({
      body: 'hello',
      user: { login: 'github-actions[bot]' },
      html_url: expect.stringMatching(/^https:\/\/github\.com\/octo\/microshift\/pull\/1#issuecomment-\d+$/)
    })
    expect(typeof c.body.id).toBe('number')
    expect(s.state.comments).toMatchObject([{ issue_number: 1, body: 'hello', user: { login: 'github-actions[bot]' } }])
    s.state.comments.push({ issue_number: 1, body: 'seeded', user: 'someone' })
    expect((await call('GET', `${REPO}/issues/1/comments`)).body.map((x: any) => [x.body, x.user.login])).toEqual([
      ['hello', 'github-actions[bot]'],
      ['seeded', 'someone']
    ])
    expect((await call('POST', `${REPO}/issues/5/comments`, { body: 'x' })).status).toBe(404)

    s.state.labels.push({ name: 'dependencies', color: '0366d6' })
    const labels = await call('POST', `${REPO}/issues/1/labels`, { labels: ['dependencies', 'kindnet'] })
    expect(labels.status).toBe(200)
    expect(labels.body).toMatchObject([
      { name: 'dependencies', color: '0366d6', default: false },
      { name: 'kindnet', color: 'ededed', default: false }
    ])
    expect(typeof labels.body[0].id).toBe('number')
    const again = await call('POST', `${REPO}/issues/1/labels`, { labels: ['kindnet', 'ok'] })
    expect(again.body.map((l: any) => l.name)).toEqual(['dependencies', 'kindnet', 'ok'])

    const rr = await call('POST', `${REPO}/pulls/1/requested_reviewers`, {
      reviewers: ['alice'],
      team_reviewers: ['net']
    })
    expect(rr.status).toBe(201)
    expect(rr.body).toMatchObject({
      number: 1,
      requested_reviewers: [{ login: 'alice', type: 'User' }],
      requested_teams: [{ slug: 'net' }],
      labels: [{ name: 'dependencies' }, { name: 'kindnet' }, { name: 'ok' }]
    })
    const as = await call('POST', `${REPO}/issues/1/assignees`, { assignees: ['bob'] })
    expect(as.status).toBe(201)
    expect(as.body).toMatchObject({
      number: 1,
      assignees: [{ login: 'bob' }],
      assignee: { login: 'bob' },
      pull_request: { html_url: 'https://github.com/octo/microshift/pull/1' }
    })

    s.state.collaborators = ['alice']
    const outsider = await call('POST', `${REPO}/pulls/1/requested_reviewers`, { reviewers: ['mallory'] })
    expect(outsider.status).toBe(422)
    expect(outsider.body.errors[0].message).toMatch(/^Reviews may only be requested from collaborators/)
    const dropped = await call('POST', `${REPO}/issues/1/assignees`, { assignees: ['mallory'] })
    expect(dropped.body.assignees.map((u: any) => u.login)).toEqual(['bob'])
  })
})

describe('faults (fetch)', () => {
  it('refuses to create a PR the two ways GitHub does', async () => {
    const s = await start({ faults: { refuseCreate: 'actions-not-permitted' } })
    const refused = await create('x')
    expect(refused.status).toBe(422)
    expect(refused.body).toEqual({
      message: 'GitHub Actions is not permitted to create or approve pull requests.',
      documentation_url: CREATE_DOC,
      status: '422'
    })
    s.faults.refuseCreateStatus = 403
    expect((await create('x')).body.status).toBe('403')
    s.faults.refuseCreate = 'not-accessible'
    expect((await create('x')).body).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: CREATE_DOC,
      status: '403'
    })
    delete s.faults.refuseCreate
    expect((await create('x')).status).toBe(201)
    expect(s.state.pulls).toHaveLength(1)
  })

  it('answers 422 to the first N label/reviewer/assignee calls after a creation', async () => {
    const s = await start({ faults: { labels422: 2 } })
    await create('x')
    const one = await call('POST', `${REPO}/issues/1/labels`, { labels: ['a'] })
    expect(one.status).toBe(422)
    expect(one.body).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'not_found' }] })
    expect((await call('POST', `${REPO}/pulls/1/requested_reviewers`, { reviewers: ['r'] })).status).toBe(422)
    expect((await call('POST', `${REPO}/issues/1/labels`, { labels: ['a'] })).status).toBe(200)
    expect((await call('POST', `${REPO}/issues/1/assignees`, { assignees: ['a'] })).status).toBe(201)
    expect(s.state.pulls[0].requested_reviewers).toEqual([])
    s.faults.labels422 = 0
    await create('y')
    expect((await call('POST', `${REPO}/issues/2/labels`, { labels: ['a'] })).status).toBe(200)
  })

  it('rate-limits and fails the next N requests, counting down in the faults object', async () => {
    const faults = { rateLimit: 1, serverError: 1 }
    const s = await start({ faults })
    const limited = await call('GET', REPO)
    expect(limited.status).toBe(403)
    expect(limited.res.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(limited.res.headers.get('retry-after')).toBe('1')
    const reset = Number(limited.res.headers.get('x-ratelimit-reset'))
    expect(Math.abs(reset - (Math.floor(Date.now() / 1000) + 1))).toBeLessThanOrEqual(1)
    expect(limited.body.message).toBe('API rate limit exceeded for installation ID 1.')
    expect(limited.body.status).toBe('403')
    const broken = await call('GET', REPO)
    expect(broken.status).toBe(502)
    expect(broken.body).toEqual({ message: 'Server Error' })
    expect(faults).toEqual({ rateLimit: 0, serverError: 0 })
    const ok = await call('GET', REPO)
    expect(ok.status).toBe(200)
    expect(Number(ok.res.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0)
    s.faults.serverError = 1
    expect((await call('GET', REPO)).status).toBe(502)
    expect(s.log.map((e) => e.status)).toEqual([403, 502, 200, 502])
  })
})

describe('with the real toolkit (@actions/github getOctokit)', () => {
  it('lists, creates, updates, comments, labels, requests reviewers and assigns', async () => {
    const s = await start()
    const octokit = (await octokitFor(s))()
    const repo = { owner: 'octo', repo: 'microshift' }
    expect((await octokit.rest.pulls.list({ ...repo, head: 'octo:kindnet', state: 'open' })).data).toEqual([])
    const created = await octokit.rest.pulls.create({ ...repo, title: 'T', head: 'kindnet', base: 'main', body: 'B' })
    expect(created.status).toBe(201)
    expect(created.data.number).toBe(1)
    expect(created.data.head.label).toBe('octo:kindnet')
    const listed = await octokit.rest.pulls.list({ ...repo, head: 'octo:kindnet', base: 'main' })
    expect(listed.data.map((p) => p.number)).toEqual([1])
    const updated = await octokit.rest.pulls.update({ ...repo, pull_number: 1, title: 'T2', body: 'B2' })
    expect(updated.data).toMatchObject({ title: 'T2', body: 'B2' })
    const comment = await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: 'note' })
    expect(comment.status).toBe(201)
    expect(comment.data.body).toBe('note')
    const labels = await octokit.rest.issues.addLabels({ ...repo, issue_number: 1, labels: ['dependencies'] })
    expect(labels.data.map((l) => l.name)).toEqual(['dependencies'])
    const rr = await octokit.rest.pulls.requestReviewers({ ...repo, pull_number: 1, reviewers: ['alice'] })
    expect(rr.data.requested_reviewers?.map((u) => u.login)).toEqual(['alice'])
    const as = await octokit.rest.issues.addAssignees({ ...repo, issue_number: 1, assignees: ['bob'] })
    expect(as.data.assignees?.map((u) => u.login)).toEqual(['bob'])
    const closed = await octokit.rest.pulls.update({ ...repo, pull_number: 1, state: 'closed' })
    expect(closed.data.state).toBe('closed')
    expect(closed.data.closed_at).not.toBeNull()
    expect(s.log.every((e) => e.auth)).toBe(true)
  })

  it('raises RequestErrors with GitHub status and message', async () => {
    const s = await start()
    const make = await octokitFor(s)
    const octokit = make()
    const repo = { owner: 'octo', repo: 'microshift' }
    await octokit.rest.pulls.create({ ...repo, title: 'T', head: 'kindnet', base: 'main' })
    const dup = await octokit.rest.pulls.create({ ...repo, title: 'T', head: 'kindnet', base: 'main' }).catch((e) => e)
    expect(dup.name).toBe('HttpError')
    expect(dup.status).toBe(422)
    expect(dup.message).toContain('Validation Failed')
    expect(dup.message).toContain('A pull request already exists for octo:kindnet.')
    expect(dup.response.data.errors[0].message).toBe('A pull request already exists for octo:kindnet.')

    s.faults.refuseCreate = 'actions-not-permitted'
    const refused = await octokit.rest.pulls
      .create({ ...repo, title: 'T', head: 'other', base: 'main' })
      .catch((e) => e)
    expect(refused.status).toBe(422)
    expect(refused.message).toBe(`GitHub Actions is not permitted to create or approve pull requests. - ${CREATE_DOC}`)

    const { getOctokit } = await import('@actions/github')
    const bad = await getOctokit('ghs_nope', { baseUrl: s.url })
      .rest.pulls.list(repo)
      .catch((e) => e)
    expect(bad.status).toBe(401)
    expect(bad.message).toBe('Bad credentials - https://docs.github.com/rest')
    expect(JSON.stringify(s.log)).not.toContain('ghs_nope')
  })

  it('paginates through /repositories/{id} Link headers', async () => {
    const s = await start()
    for (let i = 0; i < 5; i++) s.addPull({ head: { ref: `b${i}` } })
    const octokit = (await octokitFor(s))()
    const all = await octokit.paginate(octokit.rest.pulls.list, { owner: 'octo', repo: 'microshift', per_page: 2 })
    expect(all.map((p) => p.head.ref).sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4'])
    expect(s.log.map((e) => e.path.replace(/\d{4,}/, 'ID'))).toEqual([
      '/repos/octo/microshift/pulls?per_page=2',
      '/repositories/ID/pulls?per_page=2&page=2',
      '/repositories/ID/pulls?per_page=2&page=3'
    ])
  })

  it('rate limits trigger the throttling plugin; 502s the retry plugin', async () => {
    const { throttling } = await import('@octokit/plugin-throttling')
    const { retry } = await import('@octokit/plugin-retry')
    const s = await start({ faults: { rateLimit: 1 } })
    const seen: number[] = []
    const octokit = (await octokitFor(s, throttling, retry))({
      throttle: {
        retryAfterBaseValue: 1,
        onRateLimit: (after: number) => (seen.push(after), true),
        onSecondaryRateLimit: () => false
      },
      retry: { retryAfterBaseValue: 1 }
    })
    const repo = await octokit.rest.repos.get({ owner: 'octo', repo: 'microshift' })
    expect(repo.data.default_branch).toBe('main')
    expect(seen).toHaveLength(1)
    expect(seen[0]).toBeGreaterThanOrEqual(1)
    s.faults.serverError = 2
    const list = await octokit.rest.pulls.list({ owner: 'octo', repo: 'microshift' })
    expect(list.status).toBe(200)
    expect(s.log.map((e) => e.status)).toEqual([403, 200, 502, 502, 200])
  })
})
