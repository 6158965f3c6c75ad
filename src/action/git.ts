import { getExecOutput } from '@actions/exec'
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { UpdaterError } from '../core/errors.js'
import type { Identity } from './inputs.js'

/**
 * Git, behind one small class named after git's verbs. It never touches the checkout's working
 * tree or index: the base is read with ls-tree/cat-file and the commit is built with a temporary
 * index (read-tree, update-index, write-tree, commit-tree). Remote commands authenticate with an
 * extra header given through GIT_CONFIG_* variables for that command only — never in a URL or file.
 */

export interface GitResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface TreeEntry {
  mode: string
  sha: string
  path: string
}

export const PRIVATE_REF_PREFIX = 'refs/kindnet-updater'

export class Git {
  private remoteEnv: Record<string, string> = {}

  private constructor(readonly cwd: string) {}

  static async open(cwd: string): Promise<Git> {
    const git = new Git(cwd)
    const result = await git.run(['rev-parse', '--git-dir'], { allowFail: true })
    if (result.exitCode !== 0) {
      throw new UpdaterError(
        `${cwd} is not a git repository. Run actions/checkout before this action (mode pull-request needs the checkout's origin).`
      )
    }
    return git
  }

  /** Authenticates remote commands to an https origin with the token (an http.extraheader for that command only). */
  async useToken(token: string): Promise<void> {
    const url = await this.remoteUrl()
    if (!/^https?:\/\//i.test(url)) return
    const parsed = new URL(url)
    const prefix = `${parsed.protocol}//${parsed.host}/`
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64')
    // The first, empty value clears the header actions/checkout may have persisted for the same URL.
    this.remoteEnv = {
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: `http.${prefix}.extraheader`,
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: `http.${prefix}.extraheader`,
      GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${basic}`
    }
  }

  async remoteUrl(): Promise<string> {
    const result = await this.run(['remote', 'get-url', 'origin'], { allowFail: true })
    if (result.exitCode !== 0) {
      throw new UpdaterError(
        `The checkout in ${this.cwd} has no 'origin' remote. Run actions/checkout before this action.`
      )
    }
    return result.stdout.trim()
  }

  async isShallow(): Promise<boolean> {
    return (await this.run(['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true'
  }

  /** The SHA a branch of origin points at, or undefined when it does not exist. */
  async remoteBranchSha(branch: string): Promise<string | undefined> {
    const result = await this.run(['ls-remote', '--heads', 'origin', `refs/heads/${branch}`], { remote: true })
    const line = result.stdout.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`))
    return line ? line.split('\t')[0] : undefined
  }

  /** Fetches a remote branch into a private ref; shallow checkouts stay shallow. */
  async fetchBranch(branch: string, ref: string, depth: number): Promise<string> {
    const args = ['fetch', '--no-tags', '--no-write-fetch-head', '--quiet']
    if (await this.isShallow()) args.push(`--depth=${depth}`)
    await this.run([...args, 'origin', `+refs/heads/${branch}:${ref}`], { remote: true })
    return this.revParse(ref)
  }

  async revParse(ref: string): Promise<string> {
    return (await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).stdout.trim()
  }

  /** The tree (or blob) id of `path` in `commit`, or undefined when it does not exist. */
  async treeId(commit: string, treePath: string): Promise<string | undefined> {
    const result = await this.run(['rev-parse', '--verify', '--quiet', `${commit}:${treePath}`], { allowFail: true })
    return result.exitCode === 0 ? result.stdout.trim() : undefined
  }

  async listTree(commit: string, dir: string): Promise<TreeEntry[]> {
    const result = await this.run(['ls-tree', '-r', '-z', '--full-tree', commit, '--', dir])
    return result.stdout
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [meta, entryPath] = line.split('\t')
        const [mode, , sha] = meta.split(' ')
        return { mode, sha, path: entryPath }
      })
  }

  async readBlob(sha: string): Promise<Buffer> {
    const result = await getExecOutput('git', ['cat-file', 'blob', sha], { cwd: this.cwd, silent: true })
    return Buffer.from(result.stdout, 'utf8')
  }

  /** Copies `dir` of `commit` into `target` (a plain folder). */
  async exportTree(commit: string, dir: string, target: string): Promise<number> {
    const entries = (await this.listTree(commit, dir)).filter((e) => e.mode !== '160000' && e.mode !== '040000')
    for (const entry of entries) {
      const file = path.join(target, entry.path)
      await fs.mkdir(path.dirname(file), { recursive: true })
      await fs.writeFile(file, await this.readBlob(entry.sha))
    }
    return entries.length
  }

  /** Makes one commit on top of `parent` that sets the given files (repository paths → content). */
  async commitFiles(
    parent: string,
    files: Map<string, string>,
    message: string,
    author: Identity,
    committer: Identity
  ): Promise<string> {
    const index = path.join(tmpdir(), `kindnet-updater-index-${process.pid}-${randomBytes(4).toString('hex')}`)
    const env = { GIT_INDEX_FILE: index }
    try {
      await this.run(['read-tree', parent], { env })
      const lines: string[] = []
      for (const [file, content] of files) {
        const sha = (
          await this.run(['hash-object', '-w', '--stdin'], { input: Buffer.from(content, 'utf8') })
        ).stdout.trim()
        lines.push(`100644 ${sha}\t${file}`)
      }
      await this.run(['update-index', '--index-info'], { env, input: Buffer.from(lines.join('\n') + '\n') })
      const tree = (await this.run(['write-tree'], { env })).stdout.trim()
      const commit = await this.run(['commit-tree', tree, '-p', parent, '-F', '-'], {
        input: Buffer.from(message),
        env: {
          GIT_AUTHOR_NAME: author.name,
          GIT_AUTHOR_EMAIL: author.email,
          GIT_COMMITTER_NAME: committer.name,
          GIT_COMMITTER_EMAIL: committer.email
        }
      })
      return commit.stdout.trim()
    } finally {
      await fs.rm(index, { force: true })
    }
  }

  async commitMessage(sha: string): Promise<string> {
    return (await this.run(['log', '-1', '--format=%B', sha])).stdout
  }

  /**
   * Pushes `sha` to a branch of origin with a lease pinned to the SHA we read (empty: the branch
   * must not exist). Returns false when the lease failed (someone pushed in between).
   */
  async pushWithLease(sha: string, branch: string, expected: string | undefined): Promise<boolean> {
    const result = await this.run(
      [
        'push',
        '--porcelain',
        `--force-with-lease=refs/heads/${branch}:${expected ?? ''}`,
        'origin',
        `${sha}:refs/heads/${branch}`
      ],
      { remote: true, allowFail: true }
    )
    return this.pushOutcome(result, branch)
  }

  /** Deletes a branch of origin if it still points at `expected`. Returns false when it moved. */
  async deleteBranchWithLease(branch: string, expected: string): Promise<boolean> {
    const result = await this.run(
      ['push', '--porcelain', `--force-with-lease=refs/heads/${branch}:${expected}`, 'origin', `:refs/heads/${branch}`],
      { remote: true, allowFail: true }
    )
    return this.pushOutcome(result, branch)
  }

  async deleteRef(ref: string): Promise<void> {
    await this.run(['update-ref', '-d', ref], { allowFail: true })
  }

  private pushOutcome(result: GitResult, branch: string): boolean {
    if (result.exitCode === 0) return true
    const output = `${result.stdout}\n${result.stderr}`
    // A lease refused by git itself (stale info, rejected) or by the remote when two pushes race
    // ("cannot lock ref … reference already exists / is at X but expected Y", "incorrect old value").
    if (
      /stale info|\[rejected\]|fetch first|non-fast-forward|cannot lock ref|incorrect old value|but expected/.test(
        output
      )
    ) {
      return false
    }
    throw new UpdaterError(
      `git push to branch '${branch}' failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}. ` +
        `Check that the token may push (permissions: contents: write) and that branch protection allows it.`
    )
  }

  async run(
    args: string[],
    options: { env?: Record<string, string>; input?: Buffer; allowFail?: boolean; remote?: boolean } = {}
  ): Promise<GitResult> {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      GIT_TERMINAL_PROMPT: '0',
      ...(options.remote ? this.remoteEnv : {}),
      ...options.env
    }
    const result = await getExecOutput('git', args, {
      cwd: this.cwd,
      env,
      input: options.input,
      silent: true,
      ignoreReturnCode: true
    })
    if (result.exitCode !== 0 && !options.allowFail) {
      throw new UpdaterError(
        `git ${args[0]} failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`
      )
    }
    return result
  }
}
