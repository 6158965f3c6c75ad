import * as path from 'node:path'
import { UpdaterError } from './errors.js'
import { HttpClient, type HttpHooks } from './http.js'
import { readPinned, type PinnedState } from './pinned.js'
import { resolveImage, type Resolved } from './registry/index.js'
import { COMPONENTS, type Component, renderComponent } from './render.js'
import { kindnetMatcher, ociKubeProxyMatcher, quayKubeProxyMatcher } from './select.js'
import { ARCHES, type Arch, OCI_ARCH, type Settings } from './settings.js'
import { writeAtomically, type WriteFs } from './write.js'

/**
 * The core of a run, shared by the CLI and the action: resolve both images concurrently, read what
 * the assets pin, decide per component whether it changed, render, and (for generate) write.
 */

export interface Logger {
  info(message: string): void
  warning(message: string): void
  debug?(message: string): void
}

export interface ComponentPlan {
  component: Component
  image: string
  tag: string
  source: string
  /** The digests to pin, after the missing-arch policy. */
  digests: Record<Arch, string>
  /** Architectures the registry had no image for, and what the policy did. */
  missing: Array<{ arch: Arch; action: 'fallback' | 'keep' }>
  /** What the files pin now (and the tag of the pinned x86_64 digest, when the listing revealed it). */
  pinned: {
    digests: Partial<Record<Arch, string>>
    images: Partial<Record<Arch, string>>
    cidr?: string
    tag?: string
  }
  changed: boolean
  /** Why the component changed (pin differences, missing or unreadable files). */
  reasons: string[]
  /** Files whose bytes differ from the templates although the pins are equal. */
  drift: string[]
  /** Rendered files: name → content. */
  files: Map<string, string>
  /** Written files, relative to the assets folder (generate only). */
  written: string[]
}

export interface UpdateResult {
  assetsDir: string
  changed: boolean
  components: Record<Component, ComponentPlan>
  warnings: string[]
  requests: number
}

export interface UpdateDeps {
  logger: Logger
  http?: HttpClient
  httpHooks?: HttpHooks
  fs?: WriteFs
}

function kubeProxyMatcher(settings: Settings) {
  return settings.kubeProxyImage.host === 'quay.io'
    ? quayKubeProxyMatcher(settings.kubeProxyVersion)
    : ociKubeProxyMatcher(settings.kubeProxyVersion)
}

function applyPolicy(
  component: Component,
  resolved: Resolved,
  pinned: PinnedState,
  settings: Settings,
  warnings: string[]
): Pick<ComponentPlan, 'digests' | 'missing'> {
  const ref = `${resolved.image.name}:${resolved.tag}`
  const found = ARCHES.filter((a) => resolved.digests[a]).map((a) => `${a} (${OCI_ARCH[a]})`)
  const x86 = resolved.digests.x86_64
  if (!x86) {
    throw new UpdaterError(
      `No x86_64 (linux/amd64) image in ${ref} (found: ${found.join(', ') || 'no linux/amd64 or linux/arm64 image'}). ` +
        `The ${component} image cannot be pinned; check the image name and tag.`
    )
  }
  const digests = { x86_64: x86 } as Record<Arch, string>
  const missing: ComponentPlan['missing'] = []
  for (const arch of ARCHES) {
    if (arch === 'x86_64' || resolved.digests[arch]) {
      digests[arch] = resolved.digests[arch]!
      continue
    }
    const what = `No ${arch} (linux/${OCI_ARCH[arch]}) image in ${ref}`
    if (settings.missingArch === 'fail') {
      throw new UpdaterError(
        `${what}, and the missing-arch policy is fail. Use the fallback or keep policy to pin anyway.`
      )
    }
    if (settings.missingArch === 'keep') {
      const kept = pinned.pins[arch]
      if (!kept || kept.image !== resolved.image.name) {
        throw new UpdaterError(
          `${what}, and the missing-arch policy is keep, but no ${resolved.image.name} digest is pinned for ${arch} to keep. ` +
            `Use the fallback policy.`
        )
      }
      digests[arch] = kept.digest
      missing.push({ arch, action: 'keep' })
      warnings.push(`${what}; keeping the pinned ${arch} digest ${kept.digest} (missing-arch policy: keep).`)
    } else {
      digests[arch] = x86
      missing.push({ arch, action: 'fallback' })
      warnings.push(`${what}; using the x86_64 digest ${x86} for ${arch} too (missing-arch policy: fallback).`)
    }
  }
  return { digests, missing }
}

function planComponent(
  component: Component,
  resolved: Resolved,
  pinned: PinnedState,
  settings: Settings,
  warnings: string[]
): ComponentPlan {
  const { digests, missing } = applyPolicy(component, resolved, pinned, settings, warnings)
  const image = resolved.image.name
  const cidr = component === 'kindnet' ? settings.podSubnet : settings.clusterCidr
  const files = renderComponent(
    component,
    { image, digests },
    { podSubnet: settings.podSubnet, clusterCidr: settings.clusterCidr }
  )
  const reasons = [...pinned.problems]
  for (const arch of ARCHES) {
    const pin = pinned.pins[arch]
    if (!pin) continue
    if (pin.image !== image) reasons.push(`${arch} image ${pin.image} → ${image}`)
    if (pin.digest !== digests[arch]) reasons.push(`${arch} digest ${pin.digest} → ${digests[arch]}`)
  }
  if (pinned.cidr !== undefined && pinned.cidr !== cidr) {
    reasons.push(`${component === 'kindnet' ? 'POD_SUBNET' : 'clusterCIDR'} ${pinned.cidr} → ${cidr}`)
  }
  const changed = reasons.length > 0
  const drift = changed
    ? []
    : [...files].filter(([name, content]) => pinned.files.get(name) !== content).map(([name]) => name)
  return {
    component,
    image,
    tag: resolved.tag,
    source: resolved.source,
    digests,
    missing,
    pinned: {
      digests: Object.fromEntries(ARCHES.filter((a) => pinned.pins[a]).map((a) => [a, pinned.pins[a]!.digest])),
      images: Object.fromEntries(ARCHES.filter((a) => pinned.pins[a]).map((a) => [a, pinned.pins[a]!.image])),
      cidr: pinned.cidr,
      tag:
        pinned.pins.x86_64?.image === image
          ? (resolved.tagOf.get(pinned.pins.x86_64.digest) ??
            (pinned.pins.x86_64.digest === digests.x86_64 ? resolved.tag : undefined))
          : undefined
    },
    changed,
    reasons,
    drift,
    files,
    written: []
  }
}

/**
 * Resolves both images (concurrently) and compares them with the files in `assetsDir`
 * (settings.assetsDir unless given — the action compares against a checkout of the base branch).
 */
export async function planUpdate(
  settings: Settings,
  deps: UpdateDeps,
  assetsDir = settings.assetsDir
): Promise<UpdateResult> {
  const http =
    deps.http ??
    new HttpClient(settings.http, {
      ...deps.httpHooks,
      onRetry: (message) => {
        deps.logger.warning(message)
        deps.httpHooks?.onRetry?.(message)
      }
    })
  const ctx = { http, settings }
  try {
    const [kindnet, kubeProxy, pinnedKindnet, pinnedKubeProxy] = await Promise.all([
      resolveImage(ctx, settings.kindnetImage, kindnetMatcher),
      resolveImage(ctx, settings.kubeProxyImage, kubeProxyMatcher(settings)),
      readPinned(path.join(assetsDir, 'kindnet'), 'kindnet'),
      readPinned(path.join(assetsDir, 'kube-proxy'), 'kube-proxy')
    ])
    const warnings: string[] = []
    const components = {
      kindnet: planComponent('kindnet', kindnet, pinnedKindnet, settings, warnings),
      'kube-proxy': planComponent('kube-proxy', kubeProxy, pinnedKubeProxy, settings, warnings)
    }
    for (const plan of Object.values(components)) {
      for (const file of plan.drift) {
        warnings.push(
          `${plan.component}/${file} differs from the generated template, but pins the same images; ` +
            `it is not an update (generate --force rewrites it).`
        )
      }
    }
    return {
      assetsDir,
      changed: COMPONENTS.some((c) => components[c].changed),
      components,
      warnings,
      requests: http.requests
    }
  } finally {
    if (!deps.http) http.close()
  }
}

/** Writes the changed components (all components with force) atomically; returns what was written. */
export async function writePlan(result: UpdateResult, force: boolean, fsImpl?: WriteFs): Promise<string[]> {
  const plans = COMPONENTS.map((c) => result.components[c]).filter((plan) => plan.changed || force)
  const writes = plans.flatMap((plan) =>
    [...plan.files].map(([name, content]) => ({ path: path.join(result.assetsDir, plan.component, name), content }))
  )
  if (writes.length > 0) await writeAtomically(writes, fsImpl)
  for (const plan of plans) plan.written = [...plan.files.keys()].map((name) => `${plan.component}/${name}`)
  return plans.flatMap((plan) => plan.written)
}
