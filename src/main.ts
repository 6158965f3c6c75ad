import * as core from '@actions/core'
import { errorMessage } from './core/errors.js'
import { changeLines, resolvedLines } from './core/report.js'
import { ARCHES } from './core/settings.js'
import { planUpdate, writePlan, type UpdateResult } from './core/update.js'
import { changeTable, releaseLink } from './action/describe.js'
import { readInputs, type ActionInputs } from './action/inputs.js'
import type { Deps, Outcome } from './action/pull-request.js'

/**
 * The action: a thin adapter. Inputs → settings → (check | write | pull-request) → outputs and
 * the job summary. One try; the catch fails the step with the message.
 */
export async function run(): Promise<void> {
  let summaryWritten = false
  try {
    const inputs = readInputs()
    core.setOutput('branch', inputs.branch)
    const logger = {
      info: core.info,
      warning: (message: string) => core.warning(message),
      debug: core.debug,
      group: <T>(name: string, fn: () => Promise<T>) => core.group(name, fn)
    }
    let outcome: Outcome
    if (inputs.mode === 'pull-request') {
      outcome = await runPullRequestMode(inputs, logger)
    } else {
      const result = await core.group('Resolving images', () => planUpdate(inputs.settings, { logger }))
      if (inputs.mode === 'write' && result.changed) {
        await core.group(`Writing ${inputs.assetsPath}`, async () => {
          for (const file of await writePlan(result, false)) core.info(`wrote ${inputs.assetsPath}/${file}`)
        })
      }
      outcome = { operation: 'none', result }
    }
    const { result } = outcome
    for (const line of [...resolvedLines(result), ...changeLines(result)]) core.info(line)
    for (const warning of result.warnings) core.warning(warning)
    setOutputs(outcome)
    await writeSummary(inputs, outcome)
    summaryWritten = true
    if (inputs.mode === 'check' && inputs.failOnUpdate && result.changed) {
      core.setFailed(`An update is available for ${changedNames(result)} (fail-on-update is true).`)
    }
  } catch (err) {
    core.setOutput('pull-request-operation', 'none')
    core.setFailed(errorMessage(err))
    if (!summaryWritten && process.env.GITHUB_STEP_SUMMARY) {
      await core.summary
        .addHeading('kindnet-updater failed', 3)
        .addRaw(`\n${errorMessage(err)}\n`)
        .write()
        .catch(() => undefined)
    }
  }
}

async function runPullRequestMode(inputs: ActionInputs, logger: Deps['logger']): Promise<Outcome> {
  const [{ Git }, { GitHub }, { runPullRequest }] = await Promise.all([
    import('./action/git.js'),
    import('./action/github.js'),
    import('./action/pull-request.js')
  ])
  const repository = process.env.GITHUB_REPOSITORY ?? ''
  const [owner, repo] = repository.split('/')
  if (!owner || !repo)
    throw new Error(`GITHUB_REPOSITORY '${repository}' is not owner/repo; run this action in a workflow.`)
  const git = await Git.open(inputs.workspace)
  await git.useToken(inputs.token)
  const github = new GitHub(inputs.token, owner, repo, logger)
  const ref = process.env.GITHUB_REF ?? ''
  const base =
    inputs.base ?? (ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : await github.defaultBranch())
  if (base === inputs.branch) {
    throw new Error(
      `The base branch '${base}' is the action's own branch; set 'base' or run the workflow on another branch.`
    )
  }
  return runPullRequest(inputs, base, { git, github, logger })
}

function changedNames(result: UpdateResult): string {
  return Object.values(result.components)
    .filter((p) => p.changed)
    .map((p) => p.component)
    .join(' and ')
}

function setOutputs(outcome: Outcome): void {
  const { result } = outcome
  core.setOutput('changed', String(result.changed))
  for (const plan of Object.values(result.components)) {
    core.setOutput(`${plan.component}-tag`, plan.tag)
    for (const arch of ARCHES) core.setOutput(`${plan.component}-digest-${arch}`, plan.digests[arch])
  }
  core.setOutput('pull-request-number', outcome.pull ? String(outcome.pull.number) : '')
  core.setOutput('pull-request-url', outcome.pull?.url ?? '')
  core.setOutput('pull-request-operation', outcome.operation)
}

async function writeSummary(inputs: ActionInputs, outcome: Outcome): Promise<void> {
  const { result } = outcome
  const headline = result.changed
    ? `Update available for ${changedNames(result)}`
    : 'kindnet and kube-proxy are up to date'
  const pinnedLabel = inputs.mode === 'pull-request' ? 'Pinned on base' : 'Pinned now'
  const lines = [`### ${headline}`, '', changeTable(result, pinnedLabel), '']
  for (const plan of Object.values(result.components)) {
    const link = releaseLink(plan)
    if (link) lines.push(`- ${plan.component} \`${plan.tag}\`: ${link}`)
  }
  for (const warning of result.warnings) lines.push(`- ⚠️ Warning: ${warning}`)
  const pull = outcome.pull ? `[#${outcome.pull.number}](${outcome.pull.url})` : 'no pull request'
  lines.push('', `Mode \`${inputs.mode}\` — pull request: ${outcome.operation} (${pull}).`)
  if (outcome.note) lines.push('', outcome.note)
  if (!process.env.GITHUB_STEP_SUMMARY) return // a local run: the log has it all
  await core.summary.addRaw(lines.join('\n') + '\n').write()
}
