import { expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { ROOT, tempDir } from './support/cli.js'

/**
 * A smoke run of `npm run bench` (bench/run.mjs --smoke: T = 100, one run of each side, 5 ms
 * latency, loopback only): the report has its tables and our CLI stays within the request bound.
 * The full benchmark is not part of the test command.
 */

interface Measured {
  requests: number[]
}
interface BenchJson {
  results: Array<{ T: number; pages: number; bound: number; ours: Measured; baseline: Measured }>
  targets: Array<{ name: string; pass?: boolean }>
}

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'run.mjs'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 25_000
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

test('bench --smoke prints the report tables and stays within the request bound', async () => {
  const dir = tempDir('kindnet-updater-bench-')
  const out = path.join(dir, 'results.md')
  const json = path.join(dir, 'results.json')
  const result = await runBench(['--smoke', '--out', out, '--json', json])
  if (result.code !== 0) throw new Error(`bench --smoke exited ${result.code}:\n${result.stderr}`)

  const report = readFileSync(out, 'utf8')
  expect(result.stdout).toContain(report.trimEnd())
  for (const heading of [
    '## Machine',
    '## Requests and wall time',
    '## Server-side span and memory',
    '## Cold start',
    '## Targets'
  ]) {
    expect(report).toContain(heading)
  }
  expect(report).toMatch(/^\| T +\| Quay pages +\| requests ours +\| bound +\|/m)
  expect(report).toMatch(/^\| 100 +\| +1 +\| +\d+ +\| +6 +\|/m)
  expect(report).toMatch(/^\| `node dist\/index\.js` \(INPUT_MODE=bogus\) +\|/m)
  expect(report).toMatch(/\| Node +\| v\d+/)

  const data = JSON.parse(readFileSync(json, 'utf8')) as BenchJson
  expect(data.results).toHaveLength(1)
  const [t100] = data.results
  expect(t100.T).toBe(100)
  expect(t100.bound).toBe(t100.pages + 2 + 3)
  for (const n of t100.ours.requests) {
    expect(n).toBeGreaterThanOrEqual(t100.pages + 2)
    expect(n).toBeLessThanOrEqual(t100.bound)
  }
  // The baseline replays the script: Hub list + Hub tag + pages + one empty page + specificTag + manifest.
  expect(t100.baseline.requests).toEqual([t100.pages + 5])
  expect(result.stdout).toMatch(/^PASS {2}Requests ≤ Quay pages \+ 2 \+ 3 speculative/m)
}, 20_000)
