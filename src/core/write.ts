import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { UpdaterError } from './errors.js'

/**
 * All-or-nothing writes: every file is first written to a temporary file beside its target; only
 * when all of them are written are they renamed into place. If a rename fails, the files already
 * replaced are restored from backups, so the folder holds either all old or all new files.
 */

export type WriteFs = Pick<typeof fs, 'mkdir' | 'writeFile' | 'rename' | 'rm' | 'copyFile' | 'stat' | 'chmod' | 'rmdir'>

export interface FileWrite {
  path: string
  content: string
}

export async function writeAtomically(files: FileWrite[], fsImpl: WriteFs = fs): Promise<void> {
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`
  const createdDirs: string[] = []
  const staged: Array<{ target: string; temp: string; backup?: string; existed: boolean }> = []
  const renamed: typeof staged = []
  try {
    for (const dir of [...new Set(files.map((f) => path.dirname(f.path)))]) {
      const created = await fsImpl.mkdir(dir, { recursive: true })
      if (created) createdDirs.push(created)
    }
    for (const file of files) {
      const dir = path.dirname(file.path)
      const temp = path.join(dir, `.${path.basename(file.path)}.${suffix}.new`)
      const entry: (typeof staged)[number] = { target: file.path, temp, existed: false }
      staged.push(entry)
      await fsImpl.writeFile(temp, file.content, { flag: 'wx' })
      const old = await fsImpl.stat(file.path).catch(() => undefined)
      if (old) {
        entry.existed = true
        if (old.isDirectory()) throw new Error(`${file.path} is a directory, not a file`)
        await fsImpl.chmod(temp, old.mode & 0o777)
        entry.backup = path.join(dir, `.${path.basename(file.path)}.${suffix}.old`)
        await fsImpl.copyFile(file.path, entry.backup)
      }
    }
    for (const entry of staged) {
      await fsImpl.rename(entry.temp, entry.target)
      renamed.push(entry)
    }
  } catch (err) {
    const restoreFailures: string[] = []
    for (const entry of renamed.reverse()) {
      try {
        if (entry.backup) await fsImpl.rename(entry.backup, entry.target)
        else await fsImpl.rm(entry.target, { force: true })
      } catch (restoreErr) {
        restoreFailures.push(`${entry.target}: ${(restoreErr as Error).message}`)
      }
    }
    await cleanup(staged, fsImpl)
    for (const dir of createdDirs.reverse()) await removeEmptyDirs(dir, files, fsImpl)
    const reason = (err as Error).message
    throw new UpdaterError(
      restoreFailures.length > 0
        ? `Writing the assets failed (${reason}) and restoring the old files failed too: ${restoreFailures.join('; ')}.`
        : `Writing the assets failed: ${reason}. Nothing was changed.`
    )
  }
  await cleanup(staged, fsImpl)
}

async function cleanup(staged: Array<{ temp: string; backup?: string }>, fsImpl: WriteFs): Promise<void> {
  for (const entry of staged) {
    await fsImpl.rm(entry.temp, { force: true }).catch(() => undefined)
    if (entry.backup) await fsImpl.rm(entry.backup, { force: true }).catch(() => undefined)
  }
}

/** Removes the directories this write created (deepest first), if they are empty again. */
async function removeEmptyDirs(top: string, files: FileWrite[], fsImpl: WriteFs): Promise<void> {
  const dirs = new Set<string>()
  for (const file of files) {
    for (let dir = path.dirname(file.path); dir.startsWith(top); dir = path.dirname(dir)) {
      dirs.add(dir)
      if (dir === top) break
    }
  }
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) await fsImpl.rmdir(dir).catch(() => undefined)
}
