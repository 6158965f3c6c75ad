import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { COMPONENTS, componentFiles, renderComponent, type Component } from '../src/core/render.js'
import { contents, GENERATED } from './support/cli.js'

const REFERENCE_PINS = {
  kindnet: {
    image: 'docker.io/kindest/kindnetd',
    digests: {
      x86_64: 'sha256:7a9c9fa59dd517cdc2c82eef1e51392524dd285e9cf7cb5a851c49f294d6cd11',
      aarch64: 'sha256:2bdc3188f2ddc8e54841f69ef900a8dde1280057c97500f966a7ef31364021f1'
    }
  },
  'kube-proxy': {
    image: 'quay.io/okd/scos-content',
    digests: {
      x86_64: 'sha256:182c4934a99762929597de8a3dce9c5980dc957eaa599199eb63f65669bd2643',
      aarch64: 'sha256:182c4934a99762929597de8a3dce9c5980dc957eaa599199eb63f65669bd2643'
    }
  }
}
const REFERENCE_VALUES = { podSubnet: '10.244.0.0/16', clusterCidr: '10.42.0.0/16' }

function renderAll(pins = REFERENCE_PINS, values = REFERENCE_VALUES): Record<string, string> {
  const out: Record<string, string> = {}
  for (const component of COMPONENTS) {
    for (const [name, content] of renderComponent(component, pins[component], values))
      out[`${component}/${name}`] = content
  }
  return out
}

describe('rendering', () => {
  test('the reference inputs render the 21 reference files byte for byte', () => {
    const expected = contents(GENERATED)
    const rendered = renderAll()
    expect(Object.keys(rendered).sort()).toEqual(Object.keys(expected).sort())
    expect(Object.keys(rendered)).toHaveLength(21)
    for (const [name, content] of Object.entries(rendered))
      expect({ name, content }).toEqual({ name, content: expected[name] })
  })

  test('every file ends with exactly one newline', () => {
    for (const content of Object.values(renderAll())) expect(content).toMatch(/[^\n]\n$/)
  })

  test('other images, digests and CIDRs are substituted and nothing else changes', () => {
    const pins = {
      kindnet: {
        image: 'registry.example.com/mirror/kindnetd',
        digests: { x86_64: `sha256:${'a'.repeat(64)}`, aarch64: `sha256:${'b'.repeat(64)}` }
      },
      'kube-proxy': {
        image: 'registry.k8s.io/kube-proxy',
        digests: { x86_64: `sha256:${'c'.repeat(64)}`, aarch64: `sha256:${'d'.repeat(64)}` }
      }
    }
    const rendered = renderAll(pins, { podSubnet: '10.88.0.0/14', clusterCidr: 'fd00:10::/56' })
    const reference = contents(GENERATED)
    const substitute = (name: string, text: string) => {
      let result = text
        .replace('value: 10.244.0.0/16', 'value: 10.88.0.0/14')
        .replace('clusterCIDR: 10.42.0.0/16', 'clusterCIDR: fd00:10::/56')
      for (const c of COMPONENTS) {
        result = result.replaceAll(REFERENCE_PINS[c].image, pins[c].image)
        if (name.startsWith(c)) {
          for (const arch of ['x86_64', 'aarch64'] as const) {
            if (name.includes(arch)) result = result.replaceAll(REFERENCE_PINS[c].digests[arch], pins[c].digests[arch])
          }
        }
      }
      return result
    }
    for (const [name, content] of Object.entries(reference)) expect(rendered[name]).toBe(substitute(name, content))
    expect(rendered['kindnet/04-daemonset.yaml']).toContain('            value: 10.88.0.0/14\n')
    expect(rendered['kube-proxy/04-configmap.yaml']).toContain('    clusterCIDR: fd00:10::/56\n')
  })

  test.each(COMPONENTS.flatMap((c) => (['x86_64', 'aarch64'] as const).map((arch) => [c, arch] as const)))(
    '%s: cat kustomization.yaml kustomization.%s.yaml is one Kustomization pinning the digest',
    (component: Component, arch) => {
      const files = renderComponent(component, REFERENCE_PINS[component], REFERENCE_VALUES)
      const doc = parseYaml(files.get('kustomization.yaml')! + files.get(`kustomization.${arch}.yaml`)!)
      expect(doc.kind).toBe('Kustomization')
      expect(doc.apiVersion).toBe('kustomize.config.k8s.io/v1beta1')
      expect(doc.resources.length).toBeGreaterThan(4)
      expect(doc.images).toEqual([
        { name: component, newName: REFERENCE_PINS[component].image, digest: REFERENCE_PINS[component].digests[arch] }
      ])
      // The image name in the kustomization is the placeholder the DaemonSet uses.
      const daemonset = [...files.keys()].find((n) => n.endsWith('daemonset.yaml'))!
      expect(files.get(daemonset)).toContain(`image: ${component}\n`)
    }
  )

  test('componentFiles lists the files in the reference folders', () => {
    for (const component of COMPONENTS) {
      const dir = path.join(GENERATED, component)
      for (const name of componentFiles(component))
        expect(readFileSync(path.join(dir, name), 'utf8').length).toBeGreaterThan(0)
    }
    expect(componentFiles('kindnet')).toHaveLength(10)
    expect(componentFiles('kube-proxy')).toHaveLength(11)
  })
})
