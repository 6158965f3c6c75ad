import * as core from '@actions/core'
import { errorMessage } from './core/errors.js'
import { changeLines, resolvedLines } from './core/report.js'
import { buildSettings } from './core/settings.js'
import { planUpdate, writePlan } from './core/update.js'
import { ARCHES } from './core/settings.js'

/** The action: a thin adapter over the core. Inputs → settings → plan → outputs. */
export async function run(): Promise<void> {
  try {
    const mode = core.getInput('mode') || 'check'
    if (!['write', 'check'].includes(mode)) {
      throw new Error(`Invalid mode '${mode}'. Expected one of: write, check.`)
    }
    const settings = buildSettings(
      {
        assetsDir: core.getInput('assets-dir'),
        kubeProxyVersion: core.getInput('kube-proxy-version'),
        kindnetImage: core.getInput('kindnet-image'),
        kubeProxyImage: core.getInput('kube-proxy-image'),
        podSubnet: core.getInput('pod-subnet'),
        clusterCidr: core.getInput('cluster-cidr'),
        missingArch: core.getInput('missing-arch'),
        dockerHubUrl: core.getInput('docker-hub-url'),
        quayUrl: core.getInput('quay-url'),
        registryUrls: core.getMultilineInput('registry-urls')
      },
      process.env,
      process.env.GITHUB_WORKSPACE || process.cwd()
    )
    const logger = { info: core.info, warning: core.warning, debug: core.debug }
    const result = await core.group('Resolving images', () => planUpdate(settings, { logger }))
    for (const line of resolvedLines(result)) core.info(line)
    for (const line of changeLines(result)) core.info(line)
    for (const warning of result.warnings) core.warning(warning)
    if (mode === 'write' && result.changed) await writePlan(result, false)
    core.setOutput('changed', String(result.changed))
    core.setOutput('kindnet-tag', result.components.kindnet.tag)
    core.setOutput('kube-proxy-tag', result.components['kube-proxy'].tag)
    for (const arch of ARCHES) {
      core.setOutput(`kindnet-digest-${arch}`, result.components.kindnet.digests[arch])
      core.setOutput(`kube-proxy-digest-${arch}`, result.components['kube-proxy'].digests[arch])
    }
  } catch (err) {
    core.setFailed(errorMessage(err))
  }
}
