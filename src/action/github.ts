import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { UpdaterError } from '../core/errors.js'

/** The only place that calls the GitHub API. */

export interface PullRequest {
  number: number
  html_url: string
  title: string
  body: string | null
  state: string
  head: { ref: string; sha: string }
}

export interface Logger {
  info(message: string): void
  warning(message: string): void
}

const SETTING =
  'Settings → Actions → General → Workflow permissions → "Allow GitHub Actions to create and approve pull requests"'
const PERMISSIONS = 'permissions:\n  contents: write\n  pull-requests: write'

/** Turns GitHub's known refusals into one clear message each. */
export function explainGitHubError(err: unknown, action: string): Error {
  const status = (err as { status?: number }).status
  const message = (err as Error)?.message ?? String(err)
  if (/not permitted to create or approve pull requests/i.test(message)) {
    return new UpdaterError(
      `GitHub refused to ${action}: "GitHub Actions is not permitted to create or approve pull requests". ` +
        `Enable ${SETTING} in this repository (or its organization), or pass a GitHub App or personal access token in 'token'.`
    )
  }
  if (status === 403 && /Resource not accessible by integration/i.test(message)) {
    return new UpdaterError(
      `GitHub refused to ${action}: 403 "Resource not accessible by integration". The token lacks a permission: ` +
        `give the job\n${PERMISSIONS}\nor pass a token that has them in 'token'.`
    )
  }
  if (status === 401) {
    return new UpdaterError(`GitHub refused to ${action}: 401 Bad credentials. Check the 'token' input.`)
  }
  return new UpdaterError(`Could not ${action}: ${status ? `${status} ` : ''}${message}`)
}

export class GitHub {
  private readonly octokit: ReturnType<typeof getOctokit>

  constructor(
    token: string,
    readonly owner: string,
    readonly repo: string,
    private readonly logger: Logger,
    baseUrl = process.env.GITHUB_API_URL || 'https://api.github.com',
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))
  ) {
    this.octokit = getOctokit(
      token,
      {
        baseUrl,
        throttle: {
          onRateLimit: (
            retryAfter: number,
            options: { method: string; url: string },
            _o: unknown,
            retryCount: number
          ) => {
            logger.warning(`GitHub API rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`)
            return retryCount < 2 && retryAfter <= 60
          },
          onSecondaryRateLimit: (
            retryAfter: number,
            options: { method: string; url: string },
            _o: unknown,
            retryCount: number
          ) => {
            logger.warning(
              `GitHub API secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`
            )
            return retryCount < 2 && retryAfter <= 60
          }
        },
        retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] }
      },
      retry,
      throttling
    )
  }

  async defaultBranch(): Promise<string> {
    try {
      return (await this.octokit.rest.repos.get({ owner: this.owner, repo: this.repo })).data.default_branch
    } catch (err) {
      throw explainGitHubError(err, `read the repository ${this.owner}/${this.repo}`)
    }
  }

  /** The open pull request from `branch` into `base`, if any. */
  async findOpenPull(branch: string, base: string): Promise<PullRequest | undefined> {
    try {
      const { data } = await this.octokit.rest.pulls.list({
        owner: this.owner,
        repo: this.repo,
        state: 'open',
        head: `${this.owner}:${branch}`,
        base,
        per_page: 10
      })
      return data[0] as PullRequest | undefined
    } catch (err) {
      throw explainGitHubError(err, 'list pull requests')
    }
  }

  /** Creates the pull request; 'exists' when GitHub says one is already open for the branch (a race). */
  async createPull(
    branch: string,
    base: string,
    title: string,
    body: string,
    draft: boolean
  ): Promise<PullRequest | 'exists'> {
    try {
      const { data } = await this.octokit.rest.pulls.create({
        owner: this.owner,
        repo: this.repo,
        head: branch,
        base,
        title,
        body,
        draft,
        maintainer_can_modify: true
      })
      return data as PullRequest
    } catch (err) {
      if ((err as { status?: number }).status === 422 && /A pull request already exists/i.test(String(err)))
        return 'exists'
      throw explainGitHubError(err, 'create the pull request')
    }
  }

  async updatePull(
    number: number,
    fields: { title?: string; body?: string; state?: 'open' | 'closed' }
  ): Promise<PullRequest> {
    try {
      const { data } = await this.octokit.rest.pulls.update({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        ...fields
      })
      return data as PullRequest
    } catch (err) {
      throw explainGitHubError(err, `update pull request #${number}`)
    }
  }

  async comment(number: number, body: string): Promise<void> {
    try {
      await this.octokit.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: number, body })
    } catch (err) {
      throw explainGitHubError(err, `comment on pull request #${number}`)
    }
  }

  async lastComment(number: number): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.issues.listComments({
        owner: this.owner,
        repo: this.repo,
        issue_number: number,
        per_page: 100
      })
      return data.at(-1)?.body ?? undefined
    } catch (err) {
      throw explainGitHubError(err, `read the comments of pull request #${number}`)
    }
  }

  /**
   * Labels, reviewers and assignees. GitHub answers 422 for a moment right after a pull request is
   * created; those calls are retried briefly.
   */
  async decorate(number: number, labels: string[], reviewers: string[], assignees: string[]): Promise<void> {
    const users = reviewers.filter((r) => !r.includes('/'))
    const teams = reviewers.filter((r) => r.includes('/')).map((r) => r.split('/').pop()!)
    const calls: Array<[string, () => Promise<unknown>]> = []
    if (labels.length > 0) {
      calls.push([
        'add labels',
        () => this.octokit.rest.issues.addLabels({ owner: this.owner, repo: this.repo, issue_number: number, labels })
      ])
    }
    if (users.length + teams.length > 0) {
      calls.push([
        'request reviewers',
        () =>
          this.octokit.rest.pulls.requestReviewers({
            owner: this.owner,
            repo: this.repo,
            pull_number: number,
            reviewers: users,
            team_reviewers: teams
          })
      ])
    }
    if (assignees.length > 0) {
      calls.push([
        'add assignees',
        () =>
          this.octokit.rest.issues.addAssignees({ owner: this.owner, repo: this.repo, issue_number: number, assignees })
      ])
    }
    for (const [what, call] of calls) {
      for (let attempt = 1; ; attempt++) {
        try {
          await call()
          break
        } catch (err) {
          if ((err as { status?: number }).status === 422 && attempt < 4) {
            this.logger.info(`GitHub answered 422 to ${what} on the new pull request; retrying (${attempt}/3)`)
            await this.sleep(500 * attempt)
            continue
          }
          throw explainGitHubError(err, `${what} on pull request #${number}`)
        }
      }
    }
  }
}
