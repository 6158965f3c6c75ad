import { ARCHES, type Arch } from './settings.js'
import { STATIC_FILES, type TemplateValues } from './templates.js'

/**
 * Rendering is pure: pins and values in, file contents out. The output equals what the original
 * generate_manifests.sh wrote, byte for byte (see __tests__/render.test.ts).
 */

export const COMPONENTS = ['kindnet', 'kube-proxy'] as const
export type Component = (typeof COMPONENTS)[number]

/** What a component pins: the image name and one digest per architecture. */
export interface Pins {
  image: string
  digests: Record<Arch, string>
}

export function kustomizationFile(arch: Arch): string {
  return `kustomization.${arch}.yaml`
}

export function releaseFile(component: Component, arch: Arch): string {
  return `release-${component}-${arch}.json`
}

/** File names of a component, in the order they are written. */
export function componentFiles(component: Component): string[] {
  return [
    ...Object.keys(STATIC_FILES[component]),
    ...ARCHES.map(kustomizationFile),
    ...ARCHES.map((arch) => releaseFile(component, arch))
  ]
}

/** The per-arch fragment the RPM build appends to kustomization.yaml with `cat >>`. */
export function renderArchKustomization(component: Component, image: string, digest: string): string {
  return `\nimages:\n  - name: ${component}\n    newName: ${image}\n    digest: ${digest}\n`
}

export function renderRelease(component: Component, image: string, digest: string): string {
  return `{\n  "images": {\n    "${component}": "${image}@${digest}"\n  }\n}\n`
}

/** All files of one component: file name → content. */
export function renderComponent(component: Component, pins: Pins, values: TemplateValues): Map<string, string> {
  const files = new Map<string, string>()
  for (const [name, template] of Object.entries(STATIC_FILES[component])) files.set(name, template(values))
  for (const arch of ARCHES) {
    files.set(kustomizationFile(arch), renderArchKustomization(component, pins.image, pins.digests[arch]))
  }
  for (const arch of ARCHES) {
    files.set(releaseFile(component, arch), renderRelease(component, pins.image, pins.digests[arch]))
  }
  return files
}
