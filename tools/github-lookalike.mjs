// A local look-alike of the GitHub REST API (the pull-request corner of it) on 127.0.0.1, answering
// in api.github.com's shapes, status codes and messages. Used by the jest tests as GITHUB_API_URL
// (Octokit `baseUrl`). Plain ESM, node built-ins only. Types: tools/github-lookalike.d.mts.
//
// Real behaviours kept on purpose:
// - `GET /pulls?head=branch` without the `owner:` prefix silently ignores the head filter.
// - `Link` headers point at `/repositories/{id}/...` (as GitHub's do); those paths are served too.
// - error bodies carry `documentation_url` and `status` (a string), like GitHub's since 2024.
// - POST .../labels with an empty array removes every label; unknown labels are created (ededed).

import { randomBytes } from 'node:crypto'
import http from 'node:http'

const DOCS = 'https://docs.github.com/rest'
const DOC = {
  repo: `${DOCS}/repos/repos#get-a-repository`,
  listPulls: `${DOCS}/pulls/pulls#list-pull-requests`,
  createPull: `${DOCS}/pulls/pulls#create-a-pull-request`,
  getPull: `${DOCS}/pulls/pulls#get-a-pull-request`,
  updatePull: `${DOCS}/pulls/pulls#update-a-pull-request`,
  getIssue: `${DOCS}/issues/issues#get-an-issue`,
  listComments: `${DOCS}/issues/comments#list-issue-comments`,
  createComment: `${DOCS}/issues/comments#create-an-issue-comment`,
  listLabels: `${DOCS}/issues/labels#list-labels-for-an-issue`,
  addLabels: `${DOCS}/issues/labels#add-labels-to-an-issue`,
  listReviewers: `${DOCS}/pulls/review-requests#get-all-requested-reviewers-for-a-pull-request`,
  requestReviewers: `${DOCS}/pulls/review-requests#request-reviewers-for-a-pull-request`,
  addAssignees: `${DOCS}/issues/assignees#add-assignees-to-an-issue`,
  rateLimit: `${DOCS}/overview/rate-limits-for-the-rest-api`
}
const ZERO_SHA = '0'.repeat(40)
const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }
const REPO_ID = 1296269

const int = (v, dflt) => (v !== null && v !== undefined && /^-?\d+$/.test(String(v)) ? Number(v) : dflt)
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)))
// The order api.github.com lists a pull request's keys in.
const PR_KEYS = [
  'url',
  'id',
  'node_id',
  'html_url',
  'diff_url',
  'patch_url',
  'issue_url',
  'number',
  'state',
  'locked',
  'title',
  'user',
  'body',
  'created_at',
  'updated_at',
  'closed_at',
  'merged_at',
  'merge_commit_sha',
  'assignee',
  'assignees',
  'requested_reviewers',
  'requested_teams',
  'labels',
  'milestone',
  'draft',
  'head',
  'base',
  'author_association',
  'auto_merge'
]
const lower = (s) => String(s ?? '').toLowerCase()

/** A GitHub user object for `login` (bots: `name[bot]`); the id is stable per login. */
export function githubUser(login) {
  if (login && typeof login === 'object') return githubUser(login.login)
  let id = login === BOT.login ? BOT.id : 0
  if (!id) for (const ch of String(login)) id = (Math.imul(id, 31) + ch.charCodeAt(0)) >>> 0
  const bot = String(login).endsWith('[bot]')
  return {
    login,
    id,
    node_id: `${bot ? 'BOT' : 'U'}_lookalike${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    url: `https://api.github.com/users/${encodeURIComponent(login)}`,
    html_url: bot ? `https://github.com/apps/${String(login).slice(0, -5)}` : `https://github.com/${login}`,
    type: bot ? 'Bot' : 'User',
    site_admin: false
  }
}

/** Starts the look-alike on 127.0.0.1:<random port>. */
export async function startGitHubLookalike({
  owner = 'octo',
  repo = 'microshift',
  token = 'ghs_testtoken',
  faults = {},
  onRequest = undefined
} = {}) {
  const log = []
  const state = {
    pulls: [],
    comments: [],
    labels: [],
    headShas: {},
    collaborators: undefined,
    nextNumber: 1,
    nextId: 1000
  }
  const labelFaults = new Map() // PR number -> label/reviewer/assignee calls still answered 422
  let remaining = 5000
  let url = ''
  const fullName = `${owner}/${repo}`
  const htmlBase = `https://github.com/${fullName}`

  const nextId = () => state.nextId++
  const repoUrl = () => `${url}/repos/${fullName}`

  // -------------------------------------------------------------------------------------------
  // Answers

  const answer = (status, body, headers = {}) => ({ status, body, headers })
  const error = (status, message, documentation_url = DOCS, extra = {}) =>
    answer(status, { message, ...extra, documentation_url, status: String(status) })
  const notFound = (doc = DOCS) => error(404, 'Not Found', doc)
  const validation = (doc, errors) => error(422, 'Validation Failed', doc, { errors })
  const invalid = (doc, field) => error(422, `Invalid request.\n\n"${field}" wasn't supplied.`, doc)

  function paginate(rows, query, subpath) {
    const given = int(query.get('per_page'), 30)
    const perPage = given > 0 ? Math.min(100, given) : 30
    const page = Math.max(1, int(query.get('page'), 1))
    const last = Math.max(1, Math.ceil(rows.length / perPage))
    const link = (p, rel) => {
      const q = new URLSearchParams(query)
      q.set('page', String(p))
      return `<${url}/repositories/${REPO_ID}${subpath}?${q}>; rel="${rel}"`
    }
    const links = []
    if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'))
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
    if (page > 1) links.push(link(1, 'first'))
    const headers = links.length ? { Link: links.join(', ') } : {}
    return answer(200, rows.slice((page - 1) * perPage, page * perPage), headers)
  }

  // -------------------------------------------------------------------------------------------
  // Objects

  function label(name) {
    let found = state.labels.find((l) => lower(l.name) === lower(name))
    if (!found) {
      found = { id: nextId(), name: String(name), color: 'ededed', default: false, description: null }
      state.labels.push(found)
    }
    const id = found.id ?? nextId()
    Object.assign(found, { id, color: found.color ?? 'ededed', default: found.default ?? false })
    return {
      id,
      node_id: `LA_lookalike${id}`,
      url: `${repoUrl()}/labels/${encodeURIComponent(found.name)}`,
      name: found.name,
      color: found.color,
      default: found.default,
      description: found.description ?? null
    }
  }

  function team(slug) {
    const name = typeof slug === 'object' ? slug.slug : String(slug)
    let id = 0
    for (const ch of name) id = (Math.imul(id, 31) + ch.charCodeAt(0)) >>> 0
    return { id, node_id: `T_lookalike${id}`, name, slug: name, privacy: 'closed', permission: 'pull' }
  }

  function branchSide(ref, label, sha) {
    const [who] = label.split(':')
    return {
      label,
      ref,
      sha,
      user: githubUser(who),
      repo: {
        id: REPO_ID,
        name: repo,
        full_name: `${who}/${repo}`,
        owner: githubUser(who),
        html_url: `https://github.com/${who}/${repo}`
      }
    }
  }

  /** Fills what a test-seeded (partial) PR object misses, in place; returns it. */
  function complete(pr) {
    if (pr.number === undefined) pr.number = allocateNumber()
    const n = pr.number
    const stamp = pr.created_at ?? now()
    const headRef = pr.head?.ref ?? `branch-${n}`
    const baseRef = pr.base?.ref ?? 'main'
    const defaults = {
      url: `${repoUrl()}/pulls/${n}`,
      html_url: `${htmlBase}/pull/${n}`,
      diff_url: `${htmlBase}/pull/${n}.diff`,
      patch_url: `${htmlBase}/pull/${n}.patch`,
      issue_url: `${repoUrl()}/issues/${n}`,
      number: n,
      state: 'open',
      locked: false,
      title: `Pull request ${n}`,
      body: null,
      draft: false,
      user: githubUser(BOT.login),
      labels: [],
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      milestone: null,
      created_at: stamp,
      updated_at: stamp,
      closed_at: null,
      merged_at: null,
      merge_commit_sha: null,
      maintainer_can_modify: false,
      author_association: 'CONTRIBUTOR',
      auto_merge: null
    }
    if (pr.id === undefined) pr.id = nextId()
    for (const [k, v] of Object.entries(defaults)) if (pr[k] === undefined) pr[k] = v
    if (pr.node_id === undefined) pr.node_id = `PR_lookalike${pr.id}`
    const headLabel = pr.head?.label ?? `${owner}:${headRef}`
    pr.head = { ...branchSide(headRef, headLabel, state.headShas[headRef] ?? ZERO_SHA), ...pr.head }
    pr.base = {
      ...branchSide(baseRef, pr.base?.label ?? `${owner}:${baseRef}`, state.headShas[baseRef] ?? ZERO_SHA),
      ...pr.base
    }
    pr.labels = pr.labels.map((l) => label(typeof l === 'string' ? l : l.name))
    pr.user = githubUser(pr.user)
    pr.assignees = pr.assignees.map(githubUser)
    pr.assignee = pr.assignees[0] ?? null
    pr.requested_reviewers = pr.requested_reviewers.map(githubUser)
    pr.requested_teams = pr.requested_teams.map(team)
    return pr
  }

  function allocateNumber() {
    const used = [...state.pulls, ...state.comments].map((x) => x.number ?? x.issue_number ?? 0)
    const n = Math.max(state.nextNumber, ...used.filter(Number.isInteger).map((x) => x + 1))
    state.nextNumber = n + 1
    return n
  }

  /** What the API answers for a PR: a copy, with the head sha of an open PR following headShas. */
  function render(pr) {
    const out = {}
    for (const k of PR_KEYS) if (k in pr) out[k] = clone(pr[k])
    for (const k of Object.keys(pr)) if (!(k in out)) out[k] = clone(pr[k])
    if (out.state === 'open') {
      out.head.sha = state.headShas[out.head.ref] ?? out.head.sha
      out.base.sha = state.headShas[out.base.ref] ?? out.base.sha
    }
    return out
  }

  function issueOf(pr) {
    const p = render(pr)
    return {
      url: p.issue_url,
      repository_url: repoUrl(),
      labels_url: `${p.issue_url}/labels{/name}`,
      comments_url: `${p.issue_url}/comments`,
      html_url: p.html_url,
      id: p.id,
      node_id: p.node_id.replace(/^PR_/, 'I_'),
      number: p.number,
      title: p.title,
      user: p.user,
      labels: p.labels,
      state: p.state,
      locked: p.locked,
      assignee: p.assignee,
      assignees: p.assignees,
      milestone: p.milestone,
      comments: state.comments.filter((c) => c.issue_number === p.number).length,
      created_at: p.created_at,
      updated_at: p.updated_at,
      closed_at: p.closed_at,
      author_association: p.author_association,
      draft: p.draft,
      pull_request: {
        url: p.url,
        html_url: p.html_url,
        diff_url: p.diff_url,
        patch_url: p.patch_url,
        merged_at: p.merged_at
      },
      body: p.body,
      state_reason: p.state === 'closed' ? 'completed' : null
    }
  }

  function commentOf(c) {
    if (c.id === undefined) c.id = nextId()
    if (c.created_at === undefined) c.created_at = now()
    if (c.updated_at === undefined) c.updated_at = c.created_at
    c.user = githubUser(c.user ?? BOT.login)
    return {
      url: `${repoUrl()}/issues/comments/${c.id}`,
      html_url: `${htmlBase}/pull/${c.issue_number}#issuecomment-${c.id}`,
      issue_url: `${repoUrl()}/issues/${c.issue_number}`,
      id: c.id,
      node_id: `IC_lookalike${c.id}`,
      user: c.user,
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: 'CONTRIBUTOR',
      body: c.body
    }
  }

  const findPull = (n) => state.pulls.find((p) => p.number === n)
  const headKey = (pr) => `${lower(pr.head.label)}|${pr.base.ref}`

  // -------------------------------------------------------------------------------------------
  // Endpoints

  function getRepo() {
    return answer(200, {
      id: REPO_ID,
      node_id: `R_lookalike${REPO_ID}`,
      name: repo,
      full_name: fullName,
      private: false,
      owner: githubUser(owner),
      html_url: htmlBase,
      url: repoUrl(),
      default_branch: 'main'
    })
  }

  function listPulls(query) {
    const st = query.get('state') ?? 'open'
    if (!['open', 'closed', 'all'].includes(st))
      return validation(DOC.listPulls, [{ resource: 'Issue', field: 'state', code: 'invalid' }])
    const head = query.get('head')
    const base = query.get('base')
    let rows = state.pulls.filter((p) => st === 'all' || p.state === st)
    // GitHub ignores a head filter that lacks the `owner:` prefix.
    if (head && head.includes(':')) rows = rows.filter((p) => lower(p.head.label) === lower(head))
    if (base) rows = rows.filter((p) => p.base.ref === base)
    const sort = query.get('sort') ?? 'created'
    const key = sort === 'updated' ? 'updated_at' : 'created_at'
    const desc = (query.get('direction') ?? (sort === 'created' ? 'desc' : 'asc')) === 'desc'
    rows = [...rows].sort((a, b) => {
      const d = a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a.number - b.number
      return desc ? -d : d
    })
    return paginate(rows.map(render), query, '/pulls')
  }

  function createPull(body) {
    if (faults.refuseCreate === 'actions-not-permitted')
      return error(
        faults.refuseCreateStatus ?? 422,
        'GitHub Actions is not permitted to create or approve pull requests.',
        DOC.createPull
      )
    if (faults.refuseCreate === 'not-accessible')
      return error(403, 'Resource not accessible by integration', DOC.createPull)
    for (const field of ['head', 'base', 'title']) {
      if (typeof body[field] !== 'string' || body[field] === '') {
        if (field === 'title' && body.issue !== undefined) continue
        return invalid(DOC.createPull, field)
      }
    }
    const [headOwner, headRef] = body.head.includes(':') ? body.head.split(/:(.*)/s) : [owner, body.head]
    const headLabel = `${headOwner}:${headRef}`
    if (lower(headOwner) === lower(owner) && headRef === body.base)
      return validation(DOC.createPull, [
        { resource: 'PullRequest', code: 'custom', message: `No commits between ${body.base} and ${headRef}` }
      ])
    const clash = state.pulls.find(
      (p) => p.state === 'open' && lower(p.head.label) === lower(headLabel) && p.base.ref === body.base
    )
    if (clash)
      return validation(DOC.createPull, [
        { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${headLabel}.` }
      ])
    const stamp = now()
    const pr = complete({
      number: allocateNumber(),
      title: body.title,
      body: body.body ?? null,
      draft: Boolean(body.draft),
      maintainer_can_modify: body.maintainer_can_modify ?? lower(headOwner) !== lower(owner),
      head: branchSide(headRef, headLabel, state.headShas[headRef] ?? ZERO_SHA),
      base: branchSide(body.base, `${owner}:${body.base}`, state.headShas[body.base] ?? ZERO_SHA),
      created_at: stamp,
      updated_at: stamp
    })
    state.pulls.push(pr)
    const transient = int(faults.labels422, 0)
    if (transient > 0) labelFaults.set(pr.number, transient)
    return answer(201, render(pr), { Location: pr.url })
  }

  function updatePull(pr, body) {
    if (body.state !== undefined && !['open', 'closed'].includes(body.state))
      return validation(DOC.updatePull, [{ resource: 'PullRequest', field: 'state', code: 'invalid' }])
    if (body.state === 'open' && pr.state === 'closed') {
      if (pr.merged_at)
        return validation(DOC.updatePull, [
          { resource: 'PullRequest', code: 'custom', message: 'state cannot be changed. The pull request is merged.' }
        ])
      const base = body.base ?? pr.base.ref
      const clash = state.pulls.find(
        (p) => p !== pr && p.state === 'open' && headKey(p) === headKey({ ...pr, base: { ref: base } })
      )
      if (clash)
        return validation(DOC.updatePull, [
          { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${pr.head.label}.` }
        ])
    }
    const stamp = now()
    if (body.title !== undefined) pr.title = body.title
    if (body.body !== undefined) pr.body = body.body
    if (body.maintainer_can_modify !== undefined) pr.maintainer_can_modify = Boolean(body.maintainer_can_modify)
    if (body.base !== undefined)
      pr.base = branchSide(body.base, `${owner}:${body.base}`, state.headShas[body.base] ?? ZERO_SHA)
    if (body.state === 'closed' && pr.state !== 'closed') {
      if (state.headShas[pr.head.ref]) pr.head.sha = state.headShas[pr.head.ref]
      Object.assign(pr, { state: 'closed', closed_at: stamp })
    } else if (body.state === 'open' && pr.state !== 'open') Object.assign(pr, { state: 'open', closed_at: null })
    pr.updated_at = stamp
    return answer(200, render(pr))
  }

  // The transient 422 GitHub gives for labels/reviewers/assignees right after creating a PR.
  function transient(pr, doc) {
    const left = labelFaults.get(pr.number) ?? 0
    if (left <= 0) return null
    labelFaults.set(pr.number, left - 1)
    return validation(doc, [{ resource: 'Issue', code: 'not_found' }])
  }

  function addLabels(pr, body) {
    const names = Array.isArray(body) ? body : typeof body === 'string' ? [body] : body?.labels
    if (names === undefined) return invalid(DOC.addLabels, 'labels')
    const list = (Array.isArray(names) ? names : [names]).map((l) => (typeof l === 'object' ? l?.name : l))
    if (list.some((l) => typeof l !== 'string' || l === ''))
      return validation(DOC.addLabels, [{ resource: 'Label', field: 'name', code: 'invalid' }])
    const failed = transient(pr, DOC.addLabels)
    if (failed) return failed
    if (list.length === 0) pr.labels = []
    for (const name of list) if (!pr.labels.some((l) => lower(l.name) === lower(name))) pr.labels.push(label(name))
    pr.updated_at = now()
    return answer(200, clone(pr.labels))
  }

  const isCollaborator = (login) =>
    !Array.isArray(state.collaborators) || state.collaborators.some((c) => lower(c) === lower(login))

  function requestReviewers(pr, body) {
    const users = body.reviewers ?? []
    const teams = body.team_reviewers ?? []
    if (body.reviewers === undefined && body.team_reviewers === undefined)
      return invalid(DOC.requestReviewers, 'reviewers')
    if (!Array.isArray(users) || !Array.isArray(teams))
      return validation(DOC.requestReviewers, [{ resource: 'PullRequest', field: 'reviewers', code: 'invalid' }])
    const failed = transient(pr, DOC.requestReviewers)
    if (failed) return failed
    if (users.some((u) => lower(u) === lower(pr.user.login)))
      return validation(DOC.requestReviewers, [
        { resource: 'PullRequest', code: 'custom', message: 'Review cannot be requested from pull request author.' }
      ])
    if (!users.every(isCollaborator))
      return validation(DOC.requestReviewers, [
        {
          resource: 'ReviewRequest',
          code: 'custom',
          field: 'user',
          message: `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${fullName} repository.`
        }
      ])
    for (const u of users)
      if (!pr.requested_reviewers.some((r) => lower(r.login) === lower(u))) pr.requested_reviewers.push(githubUser(u))
    for (const t of teams)
      if (!pr.requested_teams.some((r) => lower(r.slug) === lower(t))) pr.requested_teams.push(team(t))
    pr.updated_at = now()
    return answer(201, render(pr))
  }

  function addAssignees(pr, body) {
    const list = body.assignees
    if (list === undefined) return invalid(DOC.addAssignees, 'assignees')
    const names = Array.isArray(list) ? list : [list]
    const failed = transient(pr, DOC.addAssignees)
    if (failed) return failed
    // GitHub silently drops users who cannot be assigned.
    for (const a of names.filter(isCollaborator))
      if (!pr.assignees.some((x) => lower(x.login) === lower(a)) && pr.assignees.length < 10)
        pr.assignees.push(githubUser(a))
    pr.assignee = pr.assignees[0] ?? null
    pr.updated_at = now()
    return answer(201, issueOf(pr))
  }

  function route(method, sub, query, body) {
    let m
    if (sub === '' || sub === '/') return method === 'GET' ? getRepo() : notFound()
    if (sub === '/pulls') {
      if (method === 'GET') return listPulls(query)
      if (method === 'POST') return createPull(body ?? {})
      return notFound()
    }
    if ((m = /^\/(pulls|issues)\/(\d+)(\/[a-z_]+)?$/.exec(sub))) {
      const [, kind, num, rest = ''] = m
      const pr = findPull(Number(num))
      const key = `${method} ${kind}${rest}`
      const doc = {
        'GET pulls': DOC.getPull,
        'PATCH pulls': DOC.updatePull,
        'GET issues': DOC.getIssue,
        'GET issues/comments': DOC.listComments,
        'POST issues/comments': DOC.createComment,
        'GET issues/labels': DOC.listLabels,
        'POST issues/labels': DOC.addLabels,
        'GET pulls/requested_reviewers': DOC.listReviewers,
        'POST pulls/requested_reviewers': DOC.requestReviewers,
        'POST issues/assignees': DOC.addAssignees
      }[key]
      if (!doc) return notFound()
      if (!pr) return notFound(doc)
      if (method !== 'GET' && (body === null || typeof body !== 'object') && key !== 'POST issues/labels')
        return invalid(doc, { 'issues/comments': 'body', 'issues/assignees': 'assignees' }[`${kind}${rest}`] ?? 'body')
      switch (key) {
        case 'GET pulls':
          return answer(200, { ...render(pr), merged: Boolean(pr.merged_at), mergeable: null, comments: 0 })
        case 'PATCH pulls':
          return updatePull(pr, body)
        case 'GET issues':
          return answer(200, issueOf(pr))
        case 'GET issues/comments':
          return paginate(
            state.comments.filter((c) => c.issue_number === pr.number).map(commentOf),
            query,
            `/issues/${pr.number}/comments`
          )
        case 'POST issues/comments': {
          if (typeof body.body !== 'string') return invalid(doc, 'body')
          if (body.body.length > 65536)
            return validation(doc, [
              {
                resource: 'IssueComment',
                code: 'custom',
                field: 'body',
                message: 'body is too long (maximum is 65536 characters)'
              }
            ])
          const c = { issue_number: pr.number, body: body.body, user: githubUser(BOT.login) }
          state.comments.push(c)
          const out = commentOf(c)
          return answer(201, out, { Location: out.url })
        }
        case 'GET issues/labels':
          return paginate(clone(pr.labels), query, `/issues/${pr.number}/labels`)
        case 'POST issues/labels':
          return addLabels(pr, body)
        case 'GET pulls/requested_reviewers':
          return answer(200, { users: clone(pr.requested_reviewers), teams: clone(pr.requested_teams) })
        case 'POST pulls/requested_reviewers':
          return requestReviewers(pr, body)
        case 'POST issues/assignees':
          return addAssignees(pr, body)
      }
    }
    return notFound()
  }

  // -------------------------------------------------------------------------------------------
  // Server

  function authorized(req) {
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    return Boolean(m) && m[1] === token
  }

  function take(name) {
    const n = int(faults[name], 0)
    if (n <= 0) return false
    faults[name] = n - 1
    return true
  }

  function dispatch(req, raw) {
    const parsed = new URL(req.url, 'http://x')
    const path = parsed.pathname.replace(/\/+$/, '') || '/'
    let body = null
    let malformed = false
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        body = raw.toString('utf8')
        malformed = true
      }
    }
    if (!req.headers.authorization) return { body, result: error(401, 'Requires authentication') }
    if (!authorized(req)) return { body, result: error(401, 'Bad credentials') }
    if (take('rateLimit')) {
      const reset = String(Math.floor(Date.now() / 1000) + 1)
      const result = error(403, 'API rate limit exceeded for installation ID 1.', DOC.rateLimit)
      result.headers = {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': reset,
        'x-ratelimit-resource': 'core',
        'retry-after': '1'
      }
      return { body, result, rateLimited: true }
    }
    if (take('serverError')) return { body, result: answer(502, { message: 'Server Error' }) }
    if (malformed) return { body, result: error(400, 'Problems parsing JSON') }
    for (const pr of state.pulls) complete(pr)
    let m
    if ((m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path))) {
      const [o, r] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])]
      if (lower(o) !== lower(owner) || lower(r) !== lower(repo)) return { body, result: notFound(DOC.repo) }
      return { body, result: route(req.method, m[3] ?? '', parsed.searchParams, body) }
    }
    if ((m = /^\/repositories\/(\d+)(\/.*)?$/.exec(path))) {
      if (Number(m[1]) !== REPO_ID) return { body, result: notFound() }
      return { body, result: route(req.method, m[2] ?? '', parsed.searchParams, body) }
    }
    return { body, result: notFound() }
  }

  async function handle(req, res) {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const entry = { method: req.method, path: req.url, status: 0, body: null, auth: authorized(req) }
    log.push(entry)
    // A test hook run before the answer (e.g. to push to the repository in the middle of a run).
    if (onRequest) await onRequest({ method: req.method, path: req.url })
    let out
    try {
      out = dispatch(req, Buffer.concat(chunks))
    } catch (e) {
      out = { body: null, result: error(500, String(e?.stack ?? e)) }
    }
    entry.body = out.body
    const { status, body, headers } = out.result
    if (!out.rateLimited && entry.auth) remaining = Math.max(0, remaining - 1)
    const payload = Buffer.from(body === undefined ? '' : JSON.stringify(body))
    entry.status = status
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used': String(5000 - remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      ...headers,
      'Content-Length': payload.length
    })
    res.end(payload)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify({ message: String(e) }))
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  url = `http://127.0.0.1:${server.address().port}`

  return {
    url,
    owner,
    repo,
    token,
    state,
    faults,
    log,
    /** Seeds a PR (partial fields are filled in) into state.pulls and returns it. */
    addPull(fields = {}) {
      const pr = complete({ ...fields })
      state.pulls.push(pr)
      return pr
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
