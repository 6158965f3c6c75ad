import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { ROOT, tempDir } from './cli.js'

/**
 * The bundled action (dist/index.js) run the way the runner runs it: INPUT_* and GITHUB_*
 * variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the working directory a clone whose
 * origin is a local bare repository.
 */

export const ACTION = path.join(ROOT, 'dist', 'index.js')
export const ASSETS = 'src/kindnet/assets'

export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Maintainer',
      GIT_AUTHOR_EMAIL: 'maintainer@example.com',
      GIT_COMMITTER_NAME: 'Maintainer',
      GIT_COMMITTER_EMAIL: 'maintainer@example.com'
    }
  })
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout.trim()
}

/** The exact bytes of a file in a commit (git() trims its output). */
export function gitShow(cwd: string, spec: string): string {
  return spawnSync('git', ['show', spec], { cwd, encoding: 'utf8' }).stdout
}

/** Branch name → SHA of every branch of a repository (e.g. the bare origin). */
export function remoteHeads(origin: string): Record<string, string> {
  const out = git(origin, 'for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads')
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' '))
  )
}

/** A newer kube-proxy release on Quay in look-alike data (its manifest list is another recorded one). */
export function publishKubeProxy12(data: {
  quay: Record<string, Array<{ name: string; start_ts?: number; manifest_digest: string }>>
}): string {
  const rows = data.quay['okd/scos-content']
  const list = rows.find((r) => r.name === '4.20.0-okd-scos.9-kube-proxy')!
  rows.unshift({ ...list, name: '4.20.0-okd-scos.12-kube-proxy', start_ts: (rows[0].start_ts ?? 0) + 1000 })
  return list.manifest_digest
}

export interface Repo {
  /** The bare repository: origin. */
  origin: string
  /** The checkout the action runs in (GITHUB_WORKSPACE). */
  workspace: string
  /** A second clone, for pushes "by someone else". */
  other: string
}

/** origin (bare) with `main` holding the given assets under src/kindnet/assets, and two clones. */
export function makeRepo(assetsFrom: string): Repo {
  const root = tempDir('kindnet-updater-repo-')
  const origin = path.join(root, 'origin.git')
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', origin)
  const seed = path.join(root, 'seed')
  git(root, 'clone', '--quiet', origin, seed)
  mkdirSync(path.join(seed, ASSETS), { recursive: true })
  cpSync(assetsFrom, path.join(seed, ASSETS), { recursive: true })
  writeFileSync(path.join(seed, 'README.md'), '# microshift sample\n')
  git(seed, 'add', '-A')
  git(seed, 'commit', '--quiet', '-m', 'Initial assets')
  git(seed, 'push', '--quiet', 'origin', 'HEAD:main')
  const workspace = path.join(root, 'workspace')
  git(root, 'clone', '--quiet', origin, workspace)
  return { origin, workspace, other: seed }
}

/** The action's inputs for a pull-request run against a registry look-alike at `registryUrl`. */
export function pullRequestInputs(
  registryUrl: string,
  token: string,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    mode: 'pull-request',
    token,
    'assets-dir': ASSETS,
    'docker-hub-url': registryUrl,
    'quay-url': registryUrl,
    'registry-urls': `docker.io=${registryUrl}\nquay.io=${registryUrl}`,
    ...extra
  }
}

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
}

/** Parses the runner's GITHUB_OUTPUT file (name<<delimiter … delimiter). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i])
    outputs[m[1]] = value.join('\n')
  }
  return outputs
}

export function runAction(
  workspace: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  const dir = tempDir('kindnet-updater-runner-')
  const outputFile = path.join(dir, 'output')
  const summaryFile = path.join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ACTION], {
      cwd: workspace,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DOCKER_CONFIG: '/nonexistent-kindnet-updater-docker-config',
        GITHUB_WORKSPACE: workspace,
        GITHUB_REPOSITORY: 'octo/microshift',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_EVENT_NAME: 'schedule',
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        RUNNER_TEMP: dir,
        KINDNET_UPDATER_BACKOFF_MS: '10',
        ...inputEnv,
        ...env
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8')
      })
    )
  })
}
