import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CLI = path.join(ROOT, 'dist', 'cli', 'index.js')
export const REFERENCE = path.join(ROOT, '__fixtures__', 'reference')
export const GENERATED = path.join(REFERENCE, 'generated', 'assets')
export const COMMITTED = path.join(REFERENCE, 'committed', 'assets')

export interface ProcessResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the bundled CLI as a process (never through a shell), as a user on a laptop would. */
export function runBundledCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      // No registry auth file of the machine's user leaks into a test.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DOCKER_CONFIG: '/nonexistent-kindnet-updater-docker-config',
        KINDNET_UPDATER_BACKOFF_MS: '10',
        ...env
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

export function tempDir(prefix = 'kindnet-updater-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix))
}

/** A fresh copy of a reference assets folder. */
export function copyAssets(from: string): string {
  const dir = path.join(tempDir(), 'assets')
  cpSync(from, dir, { recursive: true })
  return dir
}

/** Every file under dir: relative path → bytes and mtime, to prove a folder was left untouched. */
export function snapshot(dir: string): Record<string, { content: string; mtimeMs: number }> {
  const result: Record<string, { content: string; mtimeMs: number }> = {}
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name)
      const st = statSync(p)
      if (st.isDirectory()) walk(p)
      else result[path.relative(dir, p)] = { content: readFileSync(p, 'latin1'), mtimeMs: st.mtimeMs }
    }
  }
  walk(dir)
  return result
}

export function contents(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshot(dir)).map(([k, v]) => [k, v.content]))
}

/** Flags that point the CLI at a look-alike server for every registry. */
export { cliFlags as lookalikeFlags } from '../../tools/lookalike.mjs'
