import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { type Component, componentFiles, kustomizationFile, releaseFile } from './render.js'
import { ARCHES, type Arch } from './settings.js'

/**
 * What a component's files on disk pin, read back from the files themselves: image and digest per
 * architecture from kustomization.<arch>.yaml and release-*-<arch>.json, POD_SUBNET from the kindnet
 * DaemonSet, clusterCIDR from the kube-proxy ConfigMap. Anything missing or unreadable is recorded
 * as a problem: the component must be rewritten.
 */

export interface PinnedState {
  /** file name → current bytes (absent files are missing). */
  files: Map<string, string>
  /** Image and digest per architecture, where both files agree. */
  pins: Partial<Record<Arch, { image: string; digest: string }>>
  /** POD_SUBNET (kindnet) or clusterCIDR (kube-proxy). */
  cidr?: string
  /** Why the files cannot be trusted as they are (missing, unreadable, disagreeing). */
  problems: string[]
}

type Fs = Pick<typeof fs, 'readFile'>

export function cidrFile(component: Component): string {
  return component === 'kindnet' ? '04-daemonset.yaml' : '04-configmap.yaml'
}

function parseImageDigest(value: unknown): { image: string; digest: string } | undefined {
  if (typeof value !== 'string') return undefined
  const at = value.lastIndexOf('@')
  return at > 0 ? { image: value.slice(0, at), digest: value.slice(at + 1) } : undefined
}

function readArchKustomization(text: string, component: Component): { image: string; digest: string } | undefined {
  const doc = parseYaml(text) as { images?: Array<{ name?: string; newName?: string; digest?: string }> } | null
  const entry = doc?.images?.find((i) => i?.name === component)
  if (typeof entry?.newName !== 'string' || typeof entry.digest !== 'string') return undefined
  return { image: entry.newName, digest: entry.digest }
}

function readRelease(text: string, component: Component): { image: string; digest: string } | undefined {
  const doc = JSON.parse(text) as { images?: Record<string, unknown> } | null
  return parseImageDigest(doc?.images?.[component])
}

function readCidr(text: string, component: Component): string | undefined {
  const doc = parseYaml(text) as Record<string, any> | null
  if (component === 'kindnet') {
    for (const container of doc?.spec?.template?.spec?.containers ?? []) {
      const env = (container?.env ?? []).find((e: { name?: string }) => e?.name === 'POD_SUBNET')
      if (env && typeof env.value === 'string') return env.value
    }
    return undefined
  }
  const config = doc?.data?.['config.conf']
  if (typeof config !== 'string') return undefined
  const inner = parseYaml(config) as { clusterCIDR?: unknown } | null
  return typeof inner?.clusterCIDR === 'string' ? inner.clusterCIDR : undefined
}

export async function readPinned(dir: string, component: Component, fsImpl: Fs = fs): Promise<PinnedState> {
  const state: PinnedState = { files: new Map(), pins: {}, problems: [] }
  await Promise.all(
    componentFiles(component).map(async (name) => {
      try {
        state.files.set(name, await fsImpl.readFile(path.join(dir, name), 'utf8'))
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        state.problems.push(code === 'ENOENT' ? `${name} is missing` : `${name} cannot be read (${code ?? err})`)
      }
    })
  )
  const parse = <T>(name: string, reader: (text: string) => T): T | undefined => {
    const text = state.files.get(name)
    if (text === undefined) return undefined
    try {
      const value = reader(text)
      if (value === undefined) state.problems.push(`${name} does not pin what it should`)
      return value
    } catch (err) {
      state.problems.push(`${name} cannot be parsed (${(err as Error).message.split('\n')[0]})`)
      return undefined
    }
  }
  for (const arch of ARCHES) {
    const fromKustomization = parse(kustomizationFile(arch), (t) => readArchKustomization(t, component))
    const fromRelease = parse(releaseFile(component, arch), (t) => readRelease(t, component))
    if (fromKustomization && fromRelease) {
      if (fromKustomization.image === fromRelease.image && fromKustomization.digest === fromRelease.digest) {
        state.pins[arch] = fromKustomization
      } else {
        state.problems.push(
          `${kustomizationFile(arch)} pins ${fromKustomization.image}@${fromKustomization.digest} but ` +
            `${releaseFile(component, arch)} pins ${fromRelease.image}@${fromRelease.digest}`
        )
      }
    }
  }
  state.cidr = parse(cidrFile(component), (t) => readCidr(t, component))
  state.problems.sort()
  return state
}
