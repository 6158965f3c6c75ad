import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync } from 'node:fs'
import * as path from 'node:path'
import { contents, GENERATED, lookalikeFlags, ROOT, tempDir } from './support/cli.js'
import { startLookalike } from '../tools/lookalike.mjs'

/**
 * The bundles are the product: they must run with plain `node` and no node_modules, on the Node
 * the runner uses (node24: `npm test` runs under node_modules/.bin/node, the devDependency
 * node@24) and on the machine's own Node (the CLI on a laptop).
 */

const nodes = [
  ['the test runtime', process.execPath],
  ['npm’s Node', process.env.npm_node_execpath ?? '']
].filter(([, bin]) => bin && existsSync(bin))

describe('runtimes', () => {
  test('npm test runs under Node 24, the runtime of runs.using: node24', () => {
    expect(process.versions.node.split('.')[0]).toBe('24')
  })

  test.each(nodes)(
    'the bundled CLI generates the reference bytes under %s, from a copy of dist/ alone',
    async (_name, bin) => {
      const copy = path.join(tempDir(), 'dist')
      cpSync(path.join(ROOT, 'dist'), copy, { recursive: true })
      const server = await startLookalike()
      try {
        const dir = path.join(tempDir(), 'assets')
        // spawnSync would block the look-alike in this process: run it asynchronously.
        const { spawn } = await import('node:child_process')
        const code = await new Promise<number | null>((resolve) => {
          const child = spawn(
            bin,
            [path.join(copy, 'cli', 'index.js'), 'generate', '--assets-dir', dir, ...lookalikeFlags(server.url)],
            {
              cwd: tempDir(),
              env: { PATH: '/usr/bin:/bin' },
              stdio: 'ignore'
            }
          )
          child.on('close', resolve)
        })
        expect(code).toBe(0)
        expect(contents(dir)).toEqual(contents(GENERATED))
      } finally {
        await server.close()
      }
    }
  )

  test('the action bundle starts under Node 24 and reports a bad input as a failed step', () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'index.js')], {
      env: { PATH: '/usr/bin:/bin', INPUT_MODE: 'bogus' },
      encoding: 'utf8'
    })
    expect(result.status).toBe(1)
    expect(result.stdout).toContain("::error::Invalid mode 'bogus'")
  })
})
