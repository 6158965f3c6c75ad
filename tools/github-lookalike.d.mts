// Types for tools/github-lookalike.mjs (a local look-alike of the GitHub REST API's pull-request endpoints).

export interface GitHubUser {
  login: string
  id: number
  node_id: string
  avatar_url: string
  url: string
  html_url: string
  type: 'User' | 'Bot'
  site_admin: boolean
}

export interface GitHubLabel {
  id: number
  node_id: string
  url: string
  name: string
  color: string
  default: boolean
  description: string | null
}

export interface GitHubTeam {
  id: number
  node_id: string
  name: string
  slug: string
  privacy: string
  permission: string
}

export interface BranchSide {
  /** 'owner:ref' */
  label: string
  ref: string
  sha: string
  user: GitHubUser
  repo: { id: number; name: string; full_name: string; owner: GitHubUser; html_url: string }
}

/** A pull request as api.github.com answers it (the fields this look-alike keeps). */
export interface PullRequest {
  url: string
  id: number
  node_id: string
  html_url: string
  diff_url: string
  patch_url: string
  issue_url: string
  number: number
  state: 'open' | 'closed'
  locked: boolean
  title: string
  user: GitHubUser
  body: string | null
  created_at: string
  updated_at: string
  closed_at: string | null
  merged_at: string | null
  merge_commit_sha: string | null
  assignee: GitHubUser | null
  assignees: GitHubUser[]
  requested_reviewers: GitHubUser[]
  requested_teams: GitHubTeam[]
  labels: GitHubLabel[]
  milestone: null
  draft: boolean
  head: BranchSide
  base: BranchSide
  maintainer_can_modify: boolean
  author_association: string
  auto_merge: null
  [key: string]: unknown
}

/** A PR a test seeds: anything missing is filled in (number, head.ref 'branch-N', base.ref 'main', ...). */
export type PullRequestSeed = Partial<Omit<PullRequest, 'head' | 'base' | 'user' | 'labels' | 'assignees'>> & {
  head?: Partial<BranchSide>
  base?: Partial<BranchSide>
  user?: string | { login: string }
  labels?: Array<string | { name: string }>
  assignees?: Array<string | { login: string }>
}

export interface StoredComment {
  issue_number: number
  body: string
  user: GitHubUser | string
  id?: number
  created_at?: string
  updated_at?: string
}

export interface GitHubState {
  /** Every PR, open and closed; live objects (tests may edit or seed them; partial seeds are completed). */
  pulls: PullRequest[]
  /** Issue comments on PRs, oldest first. */
  comments: StoredComment[]
  /** The repository's labels; labels added to a PR that are not here are created (color 'ededed'). */
  labels: Array<{ id?: number; name: string; color?: string; default?: boolean; description?: string | null }>
  /** branch → commit sha; head.sha / base.sha of open PRs follow it (default 40 zeros). */
  headShas: Record<string, string>
  /**
   * Logins allowed as reviewers/assignees; undefined = everyone. Others: reviewers → 422 "Reviews may
   * only be requested from collaborators…", assignees → silently dropped (as GitHub does).
   */
  collaborators: string[] | undefined
  /** Next PR number (raised past any seeded number). */
  nextNumber: number
  /** Next id for PRs, comments and labels. */
  nextId: number
}

export interface GitHubFaults {
  /** POST pulls is refused: 'actions-not-permitted' (422 by default, see refuseCreateStatus) or 'not-accessible' (403). */
  refuseCreate?: 'actions-not-permitted' | 'not-accessible'
  /** Status for 'actions-not-permitted'; default 422. */
  refuseCreateStatus?: number
  /** The first N label/reviewer/assignee calls on each PR created afterwards answer 422 (Issue not_found). */
  labels422?: number
  /** The next N authenticated requests answer 403 primary rate limit (x-ratelimit-remaining: 0). Counts down. */
  rateLimit?: number
  /** The next N authenticated requests (after any rateLimit ones) answer 502 {"message":"Server Error"}. Counts down. */
  serverError?: number
}

export interface GitHubLogEntry {
  method: string
  /** path including the query string */
  path: string
  status: number
  /** parsed JSON request body; null when empty; the raw text when it was not JSON */
  body: unknown
  /** whether the request carried the expected token (the header's value is never recorded) */
  auth: boolean
}

export interface GitHubLookalike {
  /** e.g. http://127.0.0.1:41601 — GITHUB_API_URL / Octokit baseUrl */
  url: string
  owner: string
  repo: string
  token: string
  state: GitHubState
  /** The faults object passed in (same reference); counters count down as they fire; editable any time. */
  faults: GitHubFaults
  log: GitHubLogEntry[]
  /** Seeds a PR into state.pulls, completing missing fields; returns the stored (live) object. */
  addPull(fields?: PullRequestSeed): PullRequest
  close(): Promise<void>
}

export function githubUser(login: string | { login: string }): GitHubUser

export function startGitHubLookalike(options?: {
  owner?: string
  repo?: string
  token?: string
  faults?: GitHubFaults
  /** Called (and awaited) before each request is answered. */
  onRequest?: (request: { method: string; path: string }) => void | Promise<void>
}): Promise<GitHubLookalike>
