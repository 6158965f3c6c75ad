import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { checkDocs, cell, code, END, renderSection, splice, START } from '../scripts/action-docs.mjs'

/**
 * action.yml keeps the names of issue 3 and describes every input and output, and README.md's
 * inputs/outputs tables (scripts/action-docs.mjs) match it.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SCRIPT = path.join(ROOT, 'scripts', 'action-docs.mjs')

interface ActionYml {
  name: string
  description: string
  branding?: { icon?: string; color?: string }
  inputs: Record<string, { description?: string; default?: string; required?: boolean }>
  outputs: Record<string, { description?: string }>
  runs: { using: string; main: string }
}

const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml

// Issue 3, "action.yml — keep these names exactly": each input with the default it names.
const ISSUE_INPUTS: Record<string, string | undefined> = {
  'kube-proxy-version': '4.20.0-okd-scos',
  'kindnet-image': 'docker.io/kindest/kindnetd',
  'kube-proxy-image': 'quay.io/okd/scos-content',
  'assets-dir': 'src/kindnet/assets',
  'pod-subnet': '10.244.0.0/16',
  'cluster-cidr': '10.42.0.0/16',
  'missing-arch': 'fallback',
  'docker-hub-url': undefined,
  'quay-url': undefined,
  'registry-urls': undefined,
  'docker-hub-username': undefined,
  'docker-hub-token': undefined,
  'quay-username': undefined,
  'quay-token': undefined,
  mode: 'pull-request',
  'fail-on-update': 'false',
  token: '${{ github.token }}',
  base: undefined,
  branch: 'kindnet-updater/update-manifests',
  'commit-message': undefined,
  title: undefined,
  labels: undefined,
  reviewers: undefined,
  assignees: undefined,
  draft: 'false',
  author: undefined,
  committer: undefined
}

const ISSUE_OUTPUTS = [
  'changed',
  'kindnet-tag',
  'kindnet-digest-x86_64',
  'kindnet-digest-aarch64',
  'kube-proxy-tag',
  'kube-proxy-digest-x86_64',
  'kube-proxy-digest-aarch64',
  'pull-request-number',
  'pull-request-url',
  'pull-request-operation',
  'branch'
]

describe('action.yml', () => {
  test('runs on node24 from the committed bundle dist/index.js, with branding', () => {
    expect(action.runs.using).toBe('node24')
    expect(action.runs.main).toBe('dist/index.js')
    expect(action.name).toBeTruthy()
    expect(action.description?.trim()).toBeTruthy()
    expect(action.branding?.icon).toBeTruthy()
    expect(action.branding?.color).toBeTruthy()
  })

  test('has every input issue 3 names, spelled exactly, with the defaults it gives', () => {
    const names = Object.keys(action.inputs)
    for (const [name, expected] of Object.entries(ISSUE_INPUTS)) {
      expect({ name, present: names.includes(name) }).toEqual({ name, present: true })
      if (expected !== undefined)
        expect({ name, default: String(action.inputs[name].default) }).toEqual({ name, default: expected })
    }
  })

  test('has every output issue 3 names, spelled exactly', () => {
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(ISSUE_OUTPUTS))
  })

  test('every input and output has a description', () => {
    const missing = [
      ...Object.entries(action.inputs).filter(([, v]) => !String(v?.description ?? '').trim()),
      ...Object.entries(action.outputs).filter(([, v]) => !String(v?.description ?? '').trim())
    ].map(([name]) => name)
    expect(missing).toEqual([])
  })
})

describe('README inputs/outputs tables (scripts/action-docs.mjs)', () => {
  test('README.md is in sync with action.yml (run `node scripts/action-docs.mjs` when this fails)', async () => {
    const result = await checkDocs({ root: ROOT })
    expect(result.expected).toBe(result.readme)
    expect(result.upToDate).toBe(true)
  })

  test('the tables list every input and output of action.yml with its default', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf(START), readme.indexOf(END))
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) {
      expect(section).toMatch(new RegExp('^\\| `' + name.replace(/[-]/g, '\\-') + '` +\\|', 'm'))
    }
    expect(section).toContain('`${{ github.token }}`')
  })

  test('cells escape pipes, line breaks and HTML-looking text; defaults are code', () => {
    expect(cell('a | b\nc\r\nd ')).toBe('a \\| b<br>c<br>d')
    expect(cell('Commit author, "Name <email>".')).toBe('Commit author, "Name \\<email>".')
    expect(cell(undefined)).toBe('')
    expect(code('${{ github.token }}')).toBe('`${{ github.token }}`')
    expect(code('a|b')).toBe('`a\\|b`')
    expect(code('x`y')).toBe('``x`y``')
    expect(code('`x')).toBe('`` `x ``')
    expect(code('one\ntwo\n')).toBe('`one`<br>`two`')
    expect(code('')).toBe('')
    expect(code(false)).toBe('`false`')
  })

  test('renders one row per input and output, in action.yml order', () => {
    const section = renderSection(
      [
        'inputs:',
        '  b-input:',
        '    description: |',
        '      first | line',
        '      second line',
        '    required: true',
        '  a-input:',
        '    description: plain',
        '    default: ${{ github.token }}',
        'outputs:',
        '  out:',
        '    description: the <V> output'
      ].join('\n')
    )
    const rows = section.split('\n').filter((line) => line.startsWith('| `'))
    expect(rows).toEqual([
      '| `b-input` (required) | first \\| line<br>second line |  |',
      '| `a-input` | plain | `${{ github.token }}` |',
      '| `out` | the \\<V> output |'
    ])
  })

  test('splice replaces only what lies between the markers, and refuses a README without them', () => {
    const readme = `# x\n\nbefore\n\n${START}\nold\n${END}\n\nafter\n`
    expect(splice(readme, 'new\n')).toBe(`# x\n\nbefore\n\n${START}\n\nnew\n\n${END}\n\nafter\n`)
    expect(() => splice('# x\n', 'new')).toThrow(/action-docs:start/)
    expect(() => splice(`${START}\n${END}\n${START}\n${END}\n`, 'new')).toThrow(/exactly one/)
  })

  test('--check exits 0 on this repository, and 1 with a message naming the fix on a stale README', () => {
    const ok = spawnSync(process.execPath, [SCRIPT, '--check'], { cwd: ROOT, encoding: 'utf8' })
    expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' })

    const dir = mkdtempSync(path.join(tmpdir(), 'action-docs-'))
    try {
      copyFileSync(path.join(ROOT, 'action.yml'), path.join(dir, 'action.yml'))
      copyFileSync(path.join(ROOT, '.prettierrc.json'), path.join(dir, '.prettierrc.json'))
      writeFileSync(path.join(dir, 'README.md'), `# copy\n\n${START}\n\n| stale |\n\n${END}\n`)
      const stale = spawnSync(process.execPath, [SCRIPT, '--check', '--root', dir], { encoding: 'utf8' })
      expect(stale.status).toBe(1)
      expect(stale.stderr).toContain('is out of date')
      expect(stale.stderr).toContain('node scripts/action-docs.mjs')

      // Without --check it rewrites the section, after which --check passes.
      const write = spawnSync(process.execPath, [SCRIPT, '--root', dir], { encoding: 'utf8' })
      expect(write.status).toBe(0)
      const again = spawnSync(process.execPath, [SCRIPT, '--check', '--root', dir], { encoding: 'utf8' })
      expect(again.status).toBe(0)
      expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('| `kube-proxy-version`')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
