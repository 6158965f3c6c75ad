import { describe, expect, test } from '@jest/globals'
import { promises as fs, mkdirSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import * as path from 'node:path'
import { UpdaterError } from '../src/core/errors.js'
import { writeAtomically, type WriteFs } from '../src/core/write.js'
import { copyAssets, GENERATED, COMMITTED, contents, snapshot, tempDir } from './support/cli.js'

/** A real filesystem whose Nth rename fails, as if the process died or the disk filled mid-way. */
function failingRename(n: number): WriteFs & { renames: number } {
  const wrapped = {
    ...fs,
    renames: 0,
    rename: async (from: string, to: string) => {
      wrapped.renames++
      if (wrapped.renames === n)
        throw Object.assign(new Error(`EIO: simulated failure of rename ${n}`), { code: 'EIO' })
      return fs.rename(from, to)
    }
  }
  return wrapped as WriteFs & { renames: number }
}

function newFiles(dir: string) {
  const generated = contents(GENERATED)
  return Object.entries(generated).map(([name, content]) => ({
    path: path.join(dir, name),
    content: content + '# v2\n'
  }))
}

describe('writeAtomically', () => {
  test('writes every file and leaves no temporary file behind', async () => {
    const dir = copyAssets(COMMITTED)
    await writeAtomically(newFiles(dir))
    const after = contents(dir)
    expect(Object.keys(after)).toHaveLength(21)
    for (const content of Object.values(after)) expect(content.endsWith('# v2\n')).toBe(true)
  })

  test.each([1, 2, 11, 21])('rename %i failing leaves the folder exactly as it was', async (n) => {
    const dir = copyAssets(COMMITTED)
    const before = snapshot(dir)
    const fsImpl = failingRename(n)
    await expect(writeAtomically(newFiles(dir), fsImpl)).rejects.toThrow(UpdaterError)
    const after = snapshot(dir)
    expect(Object.keys(after)).toEqual(Object.keys(before))
    for (const [name, entry] of Object.entries(after)) expect(entry.content).toBe(before[name].content)
  })

  test('a failure in a fresh folder removes what it created', async () => {
    const parent = tempDir()
    const dir = path.join(parent, 'assets')
    await expect(writeAtomically(newFiles(dir), failingRename(5))).rejects.toThrow(/simulated failure of rename 5/)
    expect(readdirSync(parent)).toEqual([])
  })

  test('a directory where a file should be: nothing is changed, the message names it', async () => {
    const dir = copyAssets(COMMITTED)
    const target = path.join(dir, 'kube-proxy', '04-configmap.yaml')
    rmSync(target)
    mkdirSync(target)
    writeFileSync(path.join(target, 'inside'), 'x')
    const before = snapshot(dir)
    await expect(writeAtomically(newFiles(dir))).rejects.toThrow(/04-configmap.yaml is a directory/)
    expect(snapshot(dir)).toEqual(before)
  })

  test('a read-only folder (EACCES on the first write): nothing is changed, the error says so', async () => {
    // Tests run as root in CI, where permission bits are not enforced: inject what the kernel answers.
    const dir = copyAssets(COMMITTED)
    const before = snapshot(dir)
    const readOnly = {
      ...fs,
      writeFile: async () => {
        throw Object.assign(new Error(`EACCES: permission denied, open '${dir}/kindnet/.00-namespace.yaml.new'`), {
          code: 'EACCES'
        })
      }
    } as WriteFs
    await expect(writeAtomically(newFiles(dir), readOnly)).rejects.toThrow(
      /Writing the assets failed: EACCES: permission denied.*Nothing was changed/
    )
    expect(snapshot(dir)).toEqual(before)
  })

  test('keeps the mode of a file it replaces', async () => {
    const dir = copyAssets(GENERATED)
    const file = path.join(dir, 'kindnet', '00-namespace.yaml')
    chmodSync(file, 0o600)
    await writeAtomically([{ path: file, content: 'x\n' }])
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600)
  })
})
