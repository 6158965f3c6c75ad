// Builds the two committed bundles with ncc: dist/index.js (the action) and dist/cli/index.js
// (the CLI). With --check, builds into a temporary folder and fails if dist/ differs: the runner
// executes dist/, so it must always match the sources.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, chmodSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

const check = process.argv.includes('--check')
const root = new URL('..', import.meta.url).pathname
const out = check ? mkdtempSync(join(tmpdir(), 'kindnet-updater-dist-')) : join(root, 'dist')
const ncc = join(root, 'node_modules', '.bin', 'ncc')

if (!check) rmSync(out, { recursive: true, force: true })
for (const [entry, dir] of [
  ['src/index.ts', out],
  ['src/cli/index.ts', join(out, 'cli')]
]) {
  const r = spawnSync(
    ncc,
    ['build', entry, '-o', dir, '--minify', '--no-source-map-register', '--license', 'licenses.txt', '-q'],
    {
      cwd: root,
      stdio: 'inherit'
    }
  )
  if (r.status !== 0) process.exit(r.status ?? 1)
}
chmodSync(join(out, 'cli', 'index.js'), 0o755)

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : [p]
  })
}

if (check) {
  const dist = join(root, 'dist')
  const want = files(out)
    .map((p) => relative(out, p))
    .sort()
  const have = existsSync(dist)
    ? files(dist)
        .map((p) => relative(dist, p))
        .sort()
    : []
  const diffs = [...new Set([...want, ...have])].filter(
    (f) => !want.includes(f) || !have.includes(f) || !readFileSync(join(out, f)).equals(readFileSync(join(dist, f)))
  )
  rmSync(out, { recursive: true, force: true })
  if (diffs.length > 0) {
    console.error(`dist/ is not in sync with the sources: ${diffs.join(', ')}. Run 'npm run bundle' and commit dist/.`)
    process.exit(1)
  }
  console.log('dist/ is in sync with the sources.')
}
