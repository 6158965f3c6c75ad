import { ARCHES } from '../core/settings.js'
import { kindnetCommit } from '../core/select.js'
import type { ComponentPlan, UpdateResult } from '../core/update.js'

/** What the user sees: the PR title, commit message, PR body and job summary, from one result. */

export const MARKER = '<!-- kindnet-updater -->'
export const TRAILER = 'Kindnet-Updater: generated'

export function shortDigest(digest: string | undefined): string {
  return digest ? `\`${digest.slice(0, 19)}…\`` : '—'
}

function changed(result: UpdateResult): ComponentPlan[] {
  return Object.values(result.components).filter((p) => p.changed)
}

export function defaultTitle(result: UpdateResult): string {
  const parts = changed(result).map((p) => `${p.component} to ${p.tag}`)
  return parts.length > 0 ? `Update ${parts.join(' and ')}` : 'Update kindnet and kube-proxy manifests'
}

/**
 * The commit message: the `commit-message` input or a summary of the new tags, always ending with
 * the trailer by which later runs recognise the commit as the action's own.
 */
export function commitMessage(result: UpdateResult, title: string, custom?: string): string {
  if (custom !== undefined) {
    const text = custom.trimEnd()
    return text.includes(TRAILER) ? `${text}\n` : `${text}\n\n${TRAILER}\n`
  }
  const lines = [title, '']
  for (const plan of changed(result)) {
    lines.push(`${plan.component}: ${plan.image}:${plan.tag}`)
    for (const arch of ARCHES) lines.push(`  ${arch}: ${plan.digests[arch]}`)
  }
  lines.push('', TRAILER)
  return lines.join('\n') + '\n'
}

/** Where to read about a tag: the kind commit of a kindnetd tag, the OKD release of a scos tag. */
export function releaseLink(plan: ComponentPlan): string | undefined {
  if (plan.component === 'kindnet') {
    const commit = kindnetCommit(plan.tag)
    return commit ? `[kind commit ${commit}](https://github.com/kubernetes-sigs/kind/commit/${commit})` : undefined
  }
  const okd = /^(\d+\.\d+\.\d+-okd-scos\.\d+)-kube-proxy$/.exec(plan.tag)
  if (okd) return `[OKD release ${okd[1]}](https://github.com/okd-project/okd/releases/tag/${okd[1]})`
  const k8s = /^v(\d+)\.(\d+)\.(\d+)$/.exec(plan.tag)
  if (k8s) {
    return `[Kubernetes ${plan.tag} changelog](https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-${k8s[1]}.${k8s[2]}.md)`
  }
  return undefined
}

/** The table of every component and architecture: image, tag, pinned digest → new digest. */
export function changeTable(result: UpdateResult, pinnedLabel: string): string {
  const rows = [
    `| Component | Arch | Image | Tag | ${pinnedLabel} | Newest | |`,
    '| --- | --- | --- | --- | --- | --- | --- |'
  ]
  for (const plan of Object.values(result.components)) {
    for (const arch of ARCHES) {
      const old = plan.pinned.digests[arch]
      const now = plan.digests[arch]
      const fallback = plan.missing.find((m) => m.arch === arch)
      const state = !plan.changed ? 'up to date' : old === now ? 'unchanged' : old ? 'updated' : 'new'
      const tag =
        plan.pinned.tag && plan.pinned.tag !== plan.tag ? `\`${plan.pinned.tag}\` → \`${plan.tag}\`` : `\`${plan.tag}\``
      rows.push(
        `| ${plan.component} | ${arch} | \`${plan.image}\` | ${tag} | ${shortDigest(old)} | ${shortDigest(now)}` +
          `${fallback ? ` (${fallback.action})` : ''} | ${state} |`
      )
    }
  }
  return rows.join('\n')
}

export function tokenKind(token: string): string {
  if (token.startsWith('ghp_') || token.startsWith('github_pat_')) {
    return 'a personal access token: workflows run on this pull request.'
  }
  if (token.startsWith('ghs_')) {
    return (
      'an installation token (the workflow’s `GITHUB_TOKEN` or a GitHub App token). Pull requests opened with ' +
      '`GITHUB_TOKEN` start no workflows; to get CI on them, pass a GitHub App token ' +
      '(actions/create-github-app-token) or a personal access token in the `token` input.'
    )
  }
  return 'a token given in the `token` input.'
}

export function pullRequestBody(result: UpdateResult, base: string, assetsPath: string, token: string): string {
  const lines = [
    MARKER,
    `The registries serve new images for what \`${assetsPath}\` pins on \`${base}\`. This pull request regenerates ` +
      `the changed components from the templates, byte for byte as \`generate_manifests.sh\` did.`,
    '',
    changeTable(result, `Pinned on \`${base}\``),
    ''
  ]
  for (const plan of changed(result)) {
    const link = releaseLink(plan)
    lines.push(`- **${plan.component}** \`${plan.image}:${plan.tag}\`${link ? ` — ${link}` : ''}`)
    for (const reason of plan.reasons) lines.push(`  - ${reason}`)
  }
  const warnings = result.warnings.filter((w) => !w.includes('differs from the generated template'))
  if (warnings.length > 0) {
    lines.push('', '> [!WARNING]')
    for (const warning of warnings) lines.push(`> ${warning}`)
  }
  lines.push(
    '',
    `Opened by kindnet-updater with ${tokenKind(token)}`,
    'It updates this pull request when the digests move again and closes it when the base branch already pins them.'
  )
  return lines.join('\n') + '\n'
}
