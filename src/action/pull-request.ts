import { promises as fs } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { UpdaterError } from '../core/errors.js'
import type { HttpHooks } from '../core/http.js'
import { planUpdate, writePlan, type Logger, type UpdateResult } from '../core/update.js'
import { commitMessage, defaultTitle, MARKER, pullRequestBody, TRAILER } from './describe.js'
import { PRIVATE_REF_PREFIX, type Git } from './git.js'
import type { GitHub, PullRequest } from './github.js'
import type { ActionInputs } from './inputs.js'

/**
 * The pull-request lifecycle: compare what the base branch pins with what the registries serve,
 * then create, update (in place), leave, or close the one pull request from `branch`.
 */

export type Operation = 'created' | 'updated' | 'closed' | 'none'

export interface Outcome {
  operation: Operation
  result: UpdateResult
  pull?: { number: number; url: string }
  /** Why nothing was done although something changed (e.g. foreign commits on the branch). */
  note?: string
}

export interface Deps {
  git: Git
  github: GitHub
  logger: Logger & { group<T>(name: string, fn: () => Promise<T>): Promise<T> }
  httpHooks?: HttpHooks
}

/** True when the branch tip is the action's own commit (it carries the trailer). */
async function isOurs(git: Git, sha: string): Promise<boolean> {
  return (await git.commitMessage(sha)).includes(TRAILER)
}

/** The branch moved between reading and pushing: someone (or another run) pushed. */
class LeaseError extends UpdaterError {}

/**
 * Runs the lifecycle; when the push lease fails because another run pushed in between, reads
 * everything again once and decides anew (usually: the other run's PR already holds these files).
 */
export async function runPullRequest(inputs: ActionInputs, base: string, deps: Deps): Promise<Outcome> {
  try {
    return await runOnce(inputs, base, deps)
  } catch (err) {
    if (!(err instanceof LeaseError)) throw err
    deps.logger.warning(`${err.message} Reading the branch and the pull request again.`)
    try {
      return await runOnce(inputs, base, deps)
    } catch (again) {
      if (again instanceof LeaseError) {
        throw new UpdaterError(`${again.message} It moved again on the second try; giving up for this run.`)
      }
      throw again
    }
  }
}

async function runOnce(inputs: ActionInputs, base: string, deps: Deps): Promise<Outcome> {
  const { git, github, logger } = deps
  const { branch, assetsPath } = inputs
  const work = await fs.mkdtemp(path.join(tmpdir(), 'kindnet-updater-'))
  const baseRef = `${PRIVATE_REF_PREFIX}/base`
  const headRef = `${PRIVATE_REF_PREFIX}/head`
  try {
    const { baseSha, branchSha } = await logger.group(`Fetching ${base} and ${branch}`, async () => {
      const remoteBase = await git.remoteBranchSha(base)
      if (!remoteBase)
        throw new UpdaterError(`The base branch '${base}' does not exist on origin. Set the 'base' input.`)
      const baseSha = await git.fetchBranch(base, baseRef, 1)
      const remoteBranch = await git.remoteBranchSha(branch)
      const branchSha = remoteBranch ? await git.fetchBranch(branch, headRef, 2) : undefined
      logger.info(`${base} is at ${baseSha}; ${branch} ${branchSha ? `is at ${branchSha}` : 'does not exist'}`)
      return { baseSha, branchSha }
    })

    const assetsDir = path.join(work, ...assetsPath.split('/'))
    const result = await logger.group(`Resolving images and comparing with ${base}`, async () => {
      const files = await git.exportTree(baseSha, assetsPath, work)
      logger.info(`Read ${files} files of ${assetsPath} from ${base}`)
      return planUpdate(inputs.settings, { logger, httpHooks: deps.httpHooks }, assetsDir)
    })

    const pull = await github.findOpenPull(branch, base)
    const pullRef = pull ? { number: pull.number, url: pull.html_url } : undefined
    if (!result.changed) {
      if (!pull) return { operation: 'none', result }
      return await logger.group(`Closing the obsolete pull request #${pull.number}`, () =>
        closeObsolete(inputs, base, deps, pull, branchSha, result)
      )
    }

    return await logger.group(
      pull ? `Updating pull request #${pull.number}` : 'Creating the pull request',
      async () => {
        if (branchSha && !(await isOurs(git, branchSha))) {
          const note =
            `The branch '${branch}' carries commits that kindnet-updater did not make; it was left as it is. ` +
            `Merge or close that pull request, or delete the branch, to let the action update it.`
          logger.warning(note)
          if (pull && !(await github.lastComment(pull.number))?.includes(note)) {
            await github.comment(
              pull.number,
              `${MARKER}\n${note}\n\nThe registries now serve:\n\n${describeNew(result)}`
            )
          }
          return { operation: 'none' as Operation, result, pull: pullRef, note }
        }
        await writePlan(result, false)
        const files = new Map<string, string>()
        for (const plan of Object.values(result.components)) {
          for (const name of plan.written) files.set(`${assetsPath}/${name}`, plan.files.get(name.split('/').pop()!)!)
        }
        const title = inputs.title ?? defaultTitle(result)
        const sha = await git.commitFiles(
          baseSha,
          files,
          commitMessage(result, title, inputs.commitMessage),
          inputs.author,
          inputs.committer
        )
        const body = pullRequestBody(result, base, assetsPath, inputs.token)

        // The branch (ours) may already hold exactly these files: an open PR needs nothing, and a
        // missing PR (e.g. another run pushed but has not opened it yet) needs no new push.
        const sameFiles =
          branchSha !== undefined && (await git.treeId(branchSha, assetsPath)) === (await git.treeId(sha, assetsPath))
        if (pull && sameFiles) {
          logger.info(`Pull request #${pull.number} already holds exactly these files; nothing to do.`)
          return { operation: 'none' as Operation, result, pull: pullRef }
        }
        if (!sameFiles) {
          if (!(await git.pushWithLease(sha, branch, branchSha))) {
            throw new LeaseError(
              `Someone pushed to '${branch}' while this run was working (the push lease on ${branchSha ?? 'a new branch'} failed); ` +
                `nothing was overwritten.`
            )
          }
          logger.info(`Pushed ${sha} to ${branch}`)
        }
        if (pull) {
          const updated = await github.updatePull(pull.number, { title, body })
          return { operation: 'updated' as Operation, result, pull: { number: updated.number, url: updated.html_url } }
        }
        let created: PullRequest | 'exists'
        try {
          created = await github.createPull(branch, base, title, body, inputs.draft)
        } catch (err) {
          // Leave no half-made branch behind: remove what this run pushed (if nobody moved it since).
          if (!branchSha) await git.deleteBranchWithLease(branch, sha).catch(() => false)
          throw err
        }
        if (created === 'exists') {
          // Another run opened it after we looked: refresh that one (or leave it, when it says the same).
          const existing = await github.findOpenPull(branch, base)
          if (!existing) throw new UpdaterError(`GitHub says a pull request from '${branch}' exists, but none is open.`)
          const ref = { number: existing.number, url: existing.html_url }
          if (existing.title === title && existing.body === body)
            return { operation: 'none' as Operation, result, pull: ref }
          await github.updatePull(existing.number, { title, body })
          return { operation: 'updated' as Operation, result, pull: ref }
        }
        await github.decorate(created.number, inputs.labels, inputs.reviewers, inputs.assignees)
        return { operation: 'created' as Operation, result, pull: { number: created.number, url: created.html_url } }
      }
    )
  } finally {
    await git.deleteRef(baseRef)
    await git.deleteRef(headRef)
    await fs.rm(work, { recursive: true, force: true })
  }
}

function describeNew(result: UpdateResult): string {
  return Object.values(result.components)
    .filter((p) => p.changed)
    .map(
      (p) =>
        `- ${p.component}: \`${p.image}:${p.tag}\` (x86_64 \`${p.digests.x86_64}\`, aarch64 \`${p.digests.aarch64}\`)`
    )
    .join('\n')
}

async function closeObsolete(
  inputs: ActionInputs,
  base: string,
  deps: Deps,
  pull: PullRequest,
  branchSha: string | undefined,
  result: UpdateResult
): Promise<Outcome> {
  const { git, github, logger } = deps
  const pins = Object.values(result.components)
    .map((p) => `- ${p.component}: \`${p.image}:${p.tag}\``)
    .join('\n')
  await github.comment(
    pull.number,
    `${MARKER}\n\`${base}\` already pins what the registries serve, so this pull request is obsolete; closing it.\n\n${pins}`
  )
  await github.updatePull(pull.number, { state: 'closed' })
  logger.info(`Closed pull request #${pull.number}`)
  if (branchSha && (await isOurs(git, branchSha))) {
    if (await git.deleteBranchWithLease(inputs.branch, branchSha)) logger.info(`Deleted the branch ${inputs.branch}`)
    else logger.warning(`The branch ${inputs.branch} moved while closing; it was kept.`)
  } else if (branchSha) {
    logger.warning(`The branch ${inputs.branch} carries commits kindnet-updater did not make; it was kept.`)
  }
  return { operation: 'closed', result, pull: { number: pull.number, url: pull.html_url } }
}
