import { ARCHES } from './settings.js'
import type { UpdateResult } from './update.js'

/** Text and JSON forms of a result, shared by the CLI and the action's logs. */

export const RULE = '========================================='

/** The "Latest … tag" blocks, in the original script's order and wording. */
export function resolvedLines(result: UpdateResult): string[] {
  const lines: string[] = []
  for (const plan of Object.values(result.components)) {
    lines.push(`Fetching latest ${plan.component} image info...`)
    lines.push(`Latest ${plan.component} tag: ${plan.tag}`)
    for (const arch of [...ARCHES].reverse()) lines.push(` - ${arch} digest: ${plan.digests[arch]}`)
    lines.push('')
  }
  return lines
}

/** What changed, per component and architecture: "x86_64 digest: old → new". */
export function changeLines(result: UpdateResult): string[] {
  const lines: string[] = []
  for (const plan of Object.values(result.components)) {
    if (!plan.changed) {
      lines.push(`${plan.component}: up to date`)
      continue
    }
    lines.push(`${plan.component}: update available`)
    for (const reason of plan.reasons) lines.push(` - ${reason}`)
  }
  return lines
}

export function resultJson(command: string, result: UpdateResult): unknown {
  return {
    command,
    assetsDir: result.assetsDir,
    changed: result.changed,
    components: Object.fromEntries(
      Object.values(result.components).map((plan) => [
        plan.component,
        {
          image: plan.image,
          tag: plan.tag,
          source: plan.source,
          digests: plan.digests,
          missing: plan.missing,
          pinned: plan.pinned,
          changed: plan.changed,
          reasons: plan.reasons,
          drift: plan.drift,
          written: plan.written
        }
      ])
    ),
    warnings: result.warnings,
    requests: result.requests
  }
}
