import * as core from '@actions/core'
import * as path from 'node:path'
import { realpathSync } from 'node:fs'
import { UsageError } from '../core/errors.js'
import { buildSettings, type Settings } from '../core/settings.js'

/**
 * The one place that reads the action's inputs: validates every value (naming it and what was
 * expected) before any request, and returns one typed object.
 */

export const MODES = ['pull-request', 'write', 'check'] as const
export type Mode = (typeof MODES)[number]

export interface Identity {
  name: string
  email: string
}

export interface ActionInputs {
  mode: Mode
  failOnUpdate: boolean
  settings: Settings
  /** The workspace (GITHUB_WORKSPACE) and assets-dir relative to it, with forward slashes. */
  workspace: string
  assetsPath: string
  token: string
  base?: string
  branch: string
  commitMessage?: string
  title?: string
  labels: string[]
  reviewers: string[]
  assignees: string[]
  draft: boolean
  author: Identity
  committer: Identity
}

const BOT = 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>'

export function parseBoolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase()
  if (v === '' || v === 'false') return false
  if (v === 'true') return true
  throw new UsageError(`Invalid ${name} '${value}'. Expected true or false.`)
}

export function parseList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

export function parseIdentity(name: string, value: string): Identity {
  const m = /^([^<>\n]+?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(value.trim())
  if (!m) throw new UsageError(`Invalid ${name} '${value}'. Expected "Name <email>", e.g. "${BOT}".`)
  return { name: m[1], email: m[2] }
}

/** Branch names as `git check-ref-format --branch` accepts them, minus the exotic corners. */
export function checkBranch(name: string, value: string): string {
  const ok =
    /^[A-Za-z0-9._/-]{1,200}$/.test(value) &&
    !value.startsWith('-') &&
    !value.startsWith('/') &&
    !value.endsWith('/') &&
    !value.endsWith('.') &&
    !value.endsWith('.lock') &&
    !value.includes('..') &&
    !value.includes('//') &&
    !value.split('/').some((part) => part.startsWith('.'))
  if (!ok) {
    throw new UsageError(
      `Invalid ${name} '${value}'. Expected a branch name of letters, digits, '.', '_', '-' and '/', e.g. kindnet-updater/update-manifests.`
    )
  }
  return value
}

/** The real path of `p`: its deepest existing ancestor resolved (symlinks followed), the rest appended. */
function realpathOfExisting(p: string): string {
  const rest: string[] = []
  for (let current = p; ; current = path.dirname(current)) {
    try {
      return path.join(realpathSync(current), ...rest.reverse())
    } catch {
      if (path.dirname(current) === current) return p
      rest.push(path.basename(current))
    }
  }
}

/** assets-dir relative to the workspace; a path that leaves the workspace is refused. */
export function resolveAssetsDir(workspace: string, value: string): { absolute: string; relative: string } {
  const input = value.trim() || 'src/kindnet/assets'
  const absolute = path.resolve(workspace, input)
  // Symlinks count: resolve the deepest part that exists (the rest is created by the action).
  const real = realpathOfExisting(absolute)
  const realWorkspace = realpathOfExisting(workspace)
  for (const [root, candidate] of [
    [workspace, absolute],
    [realWorkspace, real]
  ]) {
    const rel = path.relative(root, candidate)
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
      throw new UsageError(
        `Invalid assets-dir '${value}'. Expected a folder inside the workspace (${workspace}), e.g. src/kindnet/assets.`
      )
    }
  }
  return { absolute, relative: path.relative(workspace, absolute).split(path.sep).join('/') }
}

type Getter = (name: string) => string

/** Reads and validates every input. `get` defaults to core.getInput. */
export function readInputs(
  get: Getter = (name) => core.getInput(name),
  env: NodeJS.ProcessEnv = process.env
): ActionInputs {
  const mode = get('mode').trim() || 'pull-request'
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`Invalid mode '${mode}'. Expected one of: ${MODES.join(', ')}.`)
  }
  // Secrets are masked before anything can print them.
  for (const name of ['token', 'docker-hub-token', 'quay-token']) {
    const value = get(name)
    if (value) core.setSecret(value)
  }
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())
  const assets = resolveAssetsDir(workspace, get('assets-dir'))
  for (const [user, secret] of [
    ['docker-hub-username', 'docker-hub-token'],
    ['quay-username', 'quay-token']
  ]) {
    if (Boolean(get(user).trim()) !== Boolean(get(secret).trim())) {
      throw new UsageError(`Incomplete registry credentials: set both ${user} and ${secret}, or neither.`)
    }
  }
  const credentialsEnv: NodeJS.ProcessEnv = { ...env }
  for (const [input, variable] of [
    ['docker-hub-username', 'DOCKERHUB_USERNAME'],
    ['docker-hub-token', 'DOCKERHUB_TOKEN'],
    ['quay-username', 'QUAY_USERNAME'],
    ['quay-token', 'QUAY_TOKEN']
  ]) {
    const value = get(input).trim()
    if (value) credentialsEnv[variable] = value
  }
  const settings = buildSettings(
    {
      assetsDir: assets.absolute,
      kubeProxyVersion: get('kube-proxy-version'),
      kindnetImage: get('kindnet-image'),
      kubeProxyImage: get('kube-proxy-image'),
      podSubnet: get('pod-subnet'),
      clusterCidr: get('cluster-cidr'),
      missingArch: get('missing-arch'),
      dockerHubUrl: get('docker-hub-url'),
      quayUrl: get('quay-url'),
      registryUrls: get('registry-urls').split('\n')
    },
    // KUBE_PROXY_VERSION from the environment is the CLI's fallback; the action has its own input.
    { ...credentialsEnv, KUBE_PROXY_VERSION: '' },
    workspace
  )
  const base = get('base').trim()
  const branch = checkBranch('branch', get('branch').trim() || 'kindnet-updater/update-manifests')
  if (base) checkBranch('base', base)
  if (base && base === branch) {
    throw new UsageError(`Invalid branch '${branch}'. It must differ from the base branch '${base}'.`)
  }
  const token = get('token').trim()
  if (mode === 'pull-request' && !token) {
    throw new UsageError(`The token input is empty. Expected a token (default: \${{ github.token }}).`)
  }
  return {
    mode: mode as Mode,
    failOnUpdate: parseBoolean('fail-on-update', get('fail-on-update')),
    settings,
    workspace,
    assetsPath: assets.relative,
    token,
    base: base || undefined,
    branch,
    commitMessage: get('commit-message').trim() || undefined,
    title: get('title').trim() || undefined,
    labels: parseList(get('labels')),
    reviewers: parseList(get('reviewers')),
    assignees: parseList(get('assignees')),
    draft: parseBoolean('draft', get('draft')),
    author: parseIdentity('author', get('author').trim() || BOT),
    committer: parseIdentity('committer', get('committer').trim() || BOT)
  }
}
