import * as path from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import { errorMessage, UsageError } from '../core/errors.js'
import { changeLines, resolvedLines, resultJson, RULE } from '../core/report.js'
import { buildSettings, type RawOptions } from '../core/settings.js'
import { planUpdate, writePlan } from '../core/update.js'

/** `kindnet-updater generate|check`: a thin adapter over the core. */

export const EXIT = { ok: 0, updateAvailable: 1, usage: 2, failure: 3 } as const

export const HELP = `Usage: kindnet-updater <command> [options]

Keeps the digest-pinned kindnet and kube-proxy manifests of MicroShift up to date.

Commands:
  kindnet-updater generate [options]   resolve the newest images and write the assets that changed
  kindnet-updater check [options]      resolve and compare, write nothing
  kindnet-updater --help

Options:
  --assets-dir DIR          default src/kindnet/assets (holds kindnet/ and kube-proxy/)
  --kube-proxy-version V    default: $KUBE_PROXY_VERSION, else 4.20.0-okd-scos
  --kindnet-image REF       default docker.io/kindest/kindnetd
  --kube-proxy-image REF    default quay.io/okd/scos-content
  --pod-subnet CIDR         default 10.244.0.0/16   (kindnet DaemonSet POD_SUBNET)
  --cluster-cidr CIDR       default 10.42.0.0/16    (kube-proxy ConfigMap clusterCIDR)
  --missing-arch POLICY     fallback (default) | keep | fail
  --docker-hub-url URL      default https://registry.hub.docker.com
  --quay-url URL            default https://quay.io
  --registry-url HOST=URL   repeatable: where the OCI v2 API of registry HOST is reached
                            (defaults: docker.io → https://registry-1.docker.io, others → https://HOST)
  --json                    print the result as one JSON document
  --force                   generate: rewrite every file, even when no pin changed

Exit codes: 0 done (check: up to date), 1 check found an update, 2 invalid input or usage,
3 a failure while resolving or writing.

Credentials come from the environment, never from flags: DOCKERHUB_USERNAME/DOCKERHUB_TOKEN
(docker.io), QUAY_USERNAME/QUAY_TOKEN (quay.io); other registries: the auths of REGISTRY_AUTH_FILE,
else $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
`

export interface CliIo {
  env: NodeJS.ProcessEnv
  cwd: string
  stdout: (text: string) => void
  stderr: (text: string) => void
}

interface Flags {
  assetsDir?: string
  kubeProxyVersion?: string
  kindnetImage?: string
  kubeProxyImage?: string
  podSubnet?: string
  clusterCidr?: string
  missingArch?: string
  dockerHubUrl?: string
  quayUrl?: string
  registryUrl?: string[]
  json?: boolean
  force?: boolean
}

function parse(argv: string[], io: CliIo): { command: 'generate' | 'check'; flags: Flags } | 'help' {
  if (argv.length === 0 || argv.some((a) => a === '--help' || a === '-h' || a === 'help')) return 'help'
  let chosen: { command: 'generate' | 'check'; flags: Flags } | undefined
  const program = new Command('kindnet-updater')
    .exitOverride()
    .helpOption(false)
    .configureOutput({ writeOut: io.stdout, writeErr: () => undefined })
    .allowExcessArguments(false)
  for (const name of ['generate', 'check'] as const) {
    const command = program.command(name).helpOption(false).allowExcessArguments(false).exitOverride()
    command
      .option('--assets-dir <dir>')
      .option('--kube-proxy-version <v>')
      .option('--kindnet-image <ref>')
      .option('--kube-proxy-image <ref>')
      .option('--pod-subnet <cidr>')
      .option('--cluster-cidr <cidr>')
      .option('--missing-arch <policy>')
      .option('--docker-hub-url <url>')
      .option('--quay-url <url>')
      .addOption(new Option('--registry-url <host=url>').argParser((v: string, prev: string[] = []) => [...prev, v]))
      .option('--json')
      .configureOutput({ writeOut: io.stdout, writeErr: () => undefined })
    if (name === 'generate') command.option('--force')
    command.action((flags: Flags) => {
      chosen = { command: name, flags }
    })
  }
  try {
    program.parse(argv, { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) {
      throw new UsageError(`${err.message.replace(/^error: /, '')}. Run 'kindnet-updater --help' for the options.`)
    }
    throw err
  }
  if (!chosen) throw new UsageError(`No command given. Run 'kindnet-updater --help' for the commands.`)
  return chosen
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes('--json')
  try {
    const parsed = parse(argv, io)
    if (parsed === 'help') {
      io.stdout(HELP)
      return EXIT.ok
    }
    const { command, flags } = parsed
    json = flags.json === true
    const raw: RawOptions = {
      assetsDir: flags.assetsDir,
      kubeProxyVersion: flags.kubeProxyVersion,
      kindnetImage: flags.kindnetImage,
      kubeProxyImage: flags.kubeProxyImage,
      podSubnet: flags.podSubnet,
      clusterCidr: flags.clusterCidr,
      missingArch: flags.missingArch,
      dockerHubUrl: flags.dockerHubUrl,
      quayUrl: flags.quayUrl,
      registryUrls: flags.registryUrl,
      force: flags.force
    }
    const settings = buildSettings(raw, io.env, io.cwd)
    const out = (line: string) => {
      if (!json) io.stdout(`${line}\n`)
    }
    const logger = { info: out, warning: (message: string) => io.stderr(`Warning: ${message}\n`) }
    out(RULE)
    out(
      command === 'generate'
        ? 'Generating kindnet and kube-proxy manifests'
        : 'Checking kindnet and kube-proxy manifests'
    )
    out(RULE)
    out('')
    const result = await planUpdate(settings, { logger })
    for (const line of resolvedLines(result)) out(line)
    for (const warning of result.warnings) io.stderr(`Warning: ${warning}\n`)
    if (command === 'check') {
      for (const line of changeLines(result)) out(line)
      out('')
      out(
        result.changed
          ? `An update is available. Run 'kindnet-updater generate' to write it into ${result.assetsDir}.`
          : `All manifests in ${result.assetsDir} are up to date.`
      )
      if (json) io.stdout(`${JSON.stringify(resultJson('check', result), null, 2)}\n`)
      return result.changed ? EXIT.updateAvailable : EXIT.ok
    }
    await writePlan(result, settings.force)
    for (const plan of Object.values(result.components)) {
      const dir = path.join(result.assetsDir, plan.component)
      if (plan.written.length > 0) {
        out(`Generating ${plan.component} manifests...`)
        out(`${plan.component} manifests generated in ${dir}`)
      } else {
        out(`${plan.component} manifests are up to date in ${dir}`)
      }
      out('')
    }
    out(RULE)
    out(
      Object.values(result.components).some((p) => p.written.length > 0)
        ? 'All manifests generated successfully!'
        : 'All manifests are up to date; nothing was written.'
    )
    out(RULE)
    if (json) io.stdout(`${JSON.stringify(resultJson('generate', result), null, 2)}\n`)
    return EXIT.ok
  } catch (err) {
    const usage = err instanceof UsageError
    io.stderr(`Error: ${errorMessage(err)}\n`)
    if (json)
      io.stdout(`${JSON.stringify({ error: errorMessage(err), exitCode: usage ? EXIT.usage : EXIT.failure })}\n`)
    return usage ? EXIT.usage : EXIT.failure
  }
}
