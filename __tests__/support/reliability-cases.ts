import { expect } from '@jest/globals'
import { createHash } from 'node:crypto'
import { promises as fs, chmodSync, cpSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import * as path from 'node:path'
import { startGitHubLookalike, type GitHubLookalike } from '../../tools/github-lookalike.mjs'
import {
  loadRecordedData,
  startLookalike,
  type FaultAnswer,
  type FaultContext,
  type Lookalike
} from '../../tools/lookalike.mjs'
import { buildSettings } from '../../src/core/settings.js'
import { planUpdate, writePlan } from '../../src/core/update.js'
import type { WriteFs } from '../../src/core/write.js'
import {
  ASSETS,
  git,
  gitShow,
  makeRepo,
  publishKubeProxy12,
  pullRequestInputs,
  remoteHeads,
  runAction,
  type ActionRun,
  type Repo
} from './action.js'
import {
  COMMITTED,
  contents,
  copyAssets,
  GENERATED,
  lookalikeFlags,
  ROOT,
  runBundledCli,
  snapshot,
  tempDir
} from './cli.js'

/**
 * The reliability matrix of docs/reliability.md: every case is run by __tests__/reliability.test.ts
 * and the table in the doc is generated from this list (checked by reliability-docs.test.ts).
 */

export interface Case {
  id: string
  area: 'transient' | 'persistent' | 'input' | 'injection' | 'git-github' | 'concurrency' | 'files'
  title: string
  outcome: string
  run: () => Promise<void>
}

const NEW = 'sha256:182c4934a99762929597de8a3dce9c5980dc957eaa599199eb63f65669bd2643'
const QUAY_TAGS = '/api/v1/repository/okd/scos-content/tag/'
const QUAY_MANIFEST = '/api/v1/repository/okd/scos-content/manifest/'
const HUB_TAGS = '/v2/repositories/kindest/kindnetd/tags'
const TOKEN = 'ghs_reliabilitytoken'

type Fault = (req: unknown, ctx: FaultContext) => FaultAnswer | Promise<FaultAnswer>
type Data = ReturnType<typeof loadRecordedData>

const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

interface CliCase {
  fault?: Fault
  mutate?: (data: Data) => void
  args?: string[]
  env?: Record<string, string>
}

/** Runs `generate` of the bundled CLI on a copy of the committed snapshot against a faulty look-alike. */
async function cli({ fault, mutate, args = [], env = {} }: CliCase) {
  const data = loadRecordedData()
  mutate?.(data)
  const server = await startLookalike({ data, fault })
  const dir = copyAssets(COMMITTED)
  const before = snapshot(dir)
  const started = Date.now()
  try {
    const result = await runBundledCli(['generate', '--assets-dir', dir, ...lookalikeFlags(server.url), ...args], {
      KINDNET_UPDATER_BACKOFF_MS: '20',
      ...env
    })
    return { ...result, ms: Date.now() - started, dir, before, after: snapshot(dir), log: server.log }
  } finally {
    await server.close()
  }
}

/** The run succeeded and pinned what the registry serves, within a time bound. */
async function ridesOut(c: CliCase, boundMs: number, minMs = 0) {
  const r = await cli(c)
  expect(r.stderr).toMatch(/Warning: .*retrying in/)
  expect(r.code).toBe(0)
  expect(contents(r.dir)['kube-proxy/kustomization.x86_64.yaml']).toContain(`digest: ${NEW}\n`)
  expect(r.ms).toBeLessThan(boundMs)
  expect(r.ms).toBeGreaterThanOrEqual(minMs)
  return r
}

/** Exit 3, a message matching `message`, and the assets folder byte-identical to before. */
async function failsCleanly(c: CliCase, message: RegExp) {
  const r = await cli(c)
  expect(r.stderr).toMatch(message)
  expect(r.stderr).toMatch(/^Error: /m)
  expect(r.code).toBe(3)
  expect(r.after).toEqual(r.before)
  return r
}

/** Exit 2 before any request. */
async function refused(args: string[], message: RegExp, env: Record<string, string> = {}) {
  const server = await startLookalike()
  try {
    const r = await runBundledCli(['generate', '--assets-dir', tempDir(), ...lookalikeFlags(server.url), ...args], env)
    expect(r.stderr).toMatch(message)
    expect(r.code).toBe(2)
    expect(server.log).toEqual([])
  } finally {
    await server.close()
  }
}

/** The action fails the step before any request (registry or GitHub). */
async function actionRefused(inputs: Record<string, string>, message: RegExp) {
  await withAction({}, async ({ registry, github, run }) => {
    const r = await run(inputs)
    expect(r.stdout).toMatch(message)
    expect(r.code).toBe(1)
    expect(registry.log).toEqual([])
    expect(github.log).toEqual([])
  })
}

interface ActionWorld {
  repo: Repo
  registry: Lookalike
  github: GitHubLookalike
  /** Runs the bundled action in the repository's workspace with the common inputs plus `extra`. */
  run(extra?: Record<string, string>, env?: Record<string, string>): Promise<ActionRun>
}

/** A repository (bare origin + checkout), a registry look-alike and a GitHub look-alike, closed after `fn`. */
async function withAction(
  options: { registry?: Parameters<typeof startLookalike>[0]; github?: Parameters<typeof startGitHubLookalike>[0] },
  fn: (world: ActionWorld) => Promise<void>
): Promise<void> {
  const repo = makeRepo(COMMITTED)
  const registry = await startLookalike(options.registry)
  const github = await startGitHubLookalike({ token: TOKEN, ...options.github })
  try {
    await fn({
      repo,
      registry,
      github,
      run: (extra = {}, env = {}) =>
        runAction(repo.workspace, actionInputs(registry.url, extra), { GITHUB_API_URL: github.url, ...env })
    })
  } finally {
    await registry.close()
    await github.close()
  }
}

function actionInputs(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return pullRequestInputs(url, TOKEN, extra)
}

const once =
  (match: (ctx: FaultContext) => boolean, answer: FaultAnswer, times = 1): Fault =>
  (_req, ctx) =>
    match(ctx) && ctx.count <= times ? answer : undefined
const isQuayPage = (page: number) => (ctx: FaultContext) => ctx.path === QUAY_TAGS && ctx.query.page === String(page)
const isQuayManifest = (ctx: FaultContext) => ctx.path.startsWith(QUAY_MANIFEST)
const isHubTags = (ctx: FaultContext) => ctx.path === HUB_TAGS

const NGINX_429 =
  '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n'

export const CASES: Case[] = [
  // ---- transient: ridden out -----------------------------------------------------------------
  {
    id: 'T1',
    area: 'transient',
    title: 'Quay answers 429 with `Retry-After: 1` (seconds)',
    outcome: 'waits the 1 s asked, retries, succeeds (< 5 s)',
    run: async () => {
      await ridesOut(
        { fault: once(isQuayPage(1), { status: 429, headers: { 'retry-after': '1' }, body: '{}' }) },
        5000,
        1000
      )
    }
  },
  {
    id: 'T2',
    area: 'transient',
    title: 'Docker Hub answers 429 with `Retry-After` as an HTTP date',
    outcome: 'waits until that date, retries, succeeds (< 5 s)',
    run: async () => {
      const fault = once(isHubTags, {
        status: 429,
        headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() },
        body: '{"message":"Too Many Requests"}'
      })
      const r = await ridesOut({ fault }, 6000)
      expect(r.log.filter((e) => e.path.startsWith(HUB_TAGS))).toHaveLength(2)
    }
  },
  {
    id: 'T3',
    area: 'transient',
    title: 'Docker Hub answers 429 with `X-Retry-After` (a unix time)',
    outcome: 'waits until that time, retries, succeeds (< 5 s)',
    run: async () => {
      const fault = once(isHubTags, {
        status: 429,
        headers: { 'x-retry-after': String(Math.floor(Date.now() / 1000) + 1), 'x-ratelimit-remaining': '0' },
        body: '{"message":"You have reached your pull rate limit."}'
      })
      await ridesOut({ fault }, 5000)
    }
  },
  {
    id: 'T4',
    area: 'transient',
    title: 'Quay answers 429 with an nginx HTML page and no header',
    outcome: 'backs off on its own (1 s, 2 s, … — 20 ms in the test), retries, succeeds',
    run: async () => {
      const fault = once(isQuayPage(2), { status: 429, headers: { 'content-type': 'text/html' }, body: NGINX_429 }, 2)
      await ridesOut({ fault }, 5000)
    }
  },
  ...([502, 503, 504] as const).map((status, i): Case => ({
    id: `T${5 + i}`,
    area: 'transient',
    title: `the Quay manifest answers ${status} twice`,
    outcome: 'retried with back-off, succeeds on the third attempt',
    run: async () => {
      const r = await ridesOut({ fault: once(isQuayManifest, { status, body: 'Bad Gateway' }, 2) }, 5000)
      expect(r.log.filter((e) => e.path.startsWith(QUAY_MANIFEST))).toHaveLength(3)
    }
  })),
  {
    id: 'T8',
    area: 'transient',
    title: 'the connection is reset (no answer) once',
    outcome: 'retried, succeeds',
    run: async () => {
      await ridesOut({ fault: once(isHubTags, 'reset') }, 5000)
    }
  },
  {
    id: 'T9',
    area: 'transient',
    title: 'one answer is slower than the per-request timeout',
    outcome: 'the request is abandoned at the timeout (500 ms in the test, 30 s by default) and retried, succeeds',
    run: async () => {
      await ridesOut(
        { fault: once(isQuayPage(1), { delayMs: 2000 }), env: { KINDNET_UPDATER_TIMEOUT_MS: '500' } },
        2000,
        500
      )
    }
  },
  // ---- persistent or corrupt: fail cleanly -----------------------------------------------------
  {
    id: 'P1',
    area: 'persistent',
    title: 'a 5xx every time',
    outcome: 'exit 3 after the retry budget; names the URL, the status and the attempts; assets untouched',
    run: async () => {
      const r = await failsCleanly(
        {
          fault: (_req, ctx) => (isQuayManifest(ctx) ? { status: 503, body: 'unavailable' } : undefined),
          env: { KINDNET_UPDATER_RETRIES: '2' }
        },
        /503 Service Unavailable \(3 attempts, giving up\)/
      )
      expect(r.stderr).toContain(QUAY_MANIFEST)
    }
  },
  {
    id: 'P2',
    area: 'persistent',
    title: '404 for the repository',
    outcome: 'exit 3; names the URL and 404, says to check the image name',
    run: async () => {
      await failsCleanly(
        { args: ['--kube-proxy-image', 'quay.io/okd/no-such-repo'] },
        /api\/v1\/repository\/okd\/no-such-repo\/tag\/.* answered 404 Not Found.*Check the image name/
      )
    }
  },
  {
    id: 'P3',
    area: 'persistent',
    title: '404 for the tag (Docker Hub has `images: []` and the registry lost the index)',
    outcome: 'exit 3; says the tag may have been deleted or moved',
    run: async () => {
      await failsCleanly(
        {
          mutate: (d) => {
            for (const t of d.hub['kindest/kindnetd']) t.images = []
          },
          fault: (_req, ctx) =>
            ctx.path.startsWith('/v2/kindest/kindnetd/manifests/')
              ? { status: 404, body: '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}' }
              : undefined
        },
        /is not in the registry \(GET .* answered 404\)/
      )
    }
  },
  {
    id: 'P4',
    area: 'persistent',
    title: 'truncated JSON',
    outcome: 'exit 3; "not JSON", names the URL',
    run: async () => {
      await failsCleanly(
        {
          fault: (_req, ctx) =>
            isHubTags(ctx) ? { status: 200, body: '{"count": 5, "next": null, "results": [{"na' } : undefined
        },
        /Could not read the Docker Hub tag list .* body that is not JSON/
      )
    }
  },
  {
    id: 'P5',
    area: 'persistent',
    title: 'an HTML page where JSON was expected',
    outcome: 'exit 3; names the URL and the content type',
    run: async () => {
      await failsCleanly(
        {
          fault: (_req, ctx) =>
            isQuayPage(1)(ctx)
              ? { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Maintenance</body></html>' }
              : undefined
        },
        /not JSON \(text\/html.*starting '<html>/
      )
    }
  },
  {
    id: 'P6',
    area: 'persistent',
    title: 'a manifest whose bytes do not hash to its digest',
    outcome: 'exit 3; names the expected and the actual digest',
    run: async () => {
      await failsCleanly(
        {
          fault: async (_req, ctx) => {
            if (!isQuayManifest(ctx)) return undefined
            const blob = loadRecordedData().blobs.get(ctx.path.slice(QUAY_MANIFEST.length))!
            const tampered = blob.toString().replace('amd64', 'arm64')
            return {
              status: 200,
              body: JSON.stringify({
                digest: ctx.path.slice(QUAY_MANIFEST.length),
                is_manifest_list: true,
                manifest_data: tampered
              })
            }
          }
        },
        /do not match their digest: expected sha256:c90893a672cf.*, got sha256:[0-9a-f]{64}/
      )
    }
  },
  {
    id: 'P7',
    area: 'persistent',
    title: 'a digest that is not `sha256:` + 64 hex',
    outcome: 'exit 3; nothing of it is used in a URL or a file',
    run: async () => {
      const r = await failsCleanly(
        {
          mutate: (d) => {
            d.quay['okd/scos-content'].find((x) => x.name === '4.20.0-okd-scos.11-kube-proxy')!.manifest_digest =
              'sha256:c90893'
          }
        },
        /sent a digest that is not sha256: and 64 lowercase hex digits: "sha256:c90893"/
      )
      expect(r.log.filter((e) => e.path.startsWith(QUAY_MANIFEST))).toEqual([])
    }
  },
  {
    id: 'P8',
    area: 'persistent',
    title: 'a tag that vanishes between listing and fetching',
    outcome: 'exit 3; says the tag was deleted or moved after listing, run again',
    run: async () => {
      await failsCleanly(
        {
          fault: (_req, ctx) =>
            isQuayManifest(ctx) ? { status: 404, body: '{"error_message":"Not Found"}' } : undefined
        },
        /is gone from Quay .*deleted or moved after it was listed/
      )
    }
  },
  {
    id: 'P9',
    area: 'persistent',
    title: 'no tag matches the version',
    outcome: 'exit 3; names the pattern looked for and how many tags were listed',
    run: async () => {
      await failsCleanly(
        { args: ['--kube-proxy-version', '4.99.0-okd-scos'] },
        /No tag of quay.io\/okd\/scos-content matches 4.99.0-okd-scos.<N>-kube-proxy .*104 tags listed/
      )
    }
  },
  {
    id: 'P10',
    area: 'persistent',
    title: 'an index without x86_64',
    outcome: 'exit 3 whatever the missing-arch policy',
    run: async () => {
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: `sha256:${'1'.repeat(64)}`,
              size: 477,
              platform: { architecture: 'arm64', os: 'linux', variant: 'v8' }
            }
          ]
        })
      )
      await failsCleanly(
        {
          mutate: (d) => {
            const digest = sha256(index)
            d.blobs.set(digest, index)
            d.oci.mediaTypes[digest] = 'application/vnd.oci.image.index.v1+json'
            d.quay['okd/scos-content'].find((x) => x.name === '4.20.0-okd-scos.11-kube-proxy')!.manifest_digest = digest
          }
        },
        /No x86_64 \(linux\/amd64\) image in quay.io\/okd\/scos-content:4.20.0-okd-scos.11-kube-proxy \(found: aarch64 \(arm64\)\)/
      )
    }
  },
  {
    id: 'P11',
    area: 'persistent',
    title: 'the retry budget is exhausted by `Retry-After: 3600`',
    outcome: 'exit 3 at once (no hour-long sleep); says the registry asks to wait 3600 s, more than the 60 s allowed',
    run: async () => {
      const r = await failsCleanly(
        {
          fault: (_req, ctx) =>
            isQuayPage(1)(ctx) ? { status: 429, headers: { 'retry-after': '3600' }, body: '{}' } : undefined
        },
        /asks to wait 3600 s, more than the 60 s this run allows/
      )
      expect(r.ms).toBeLessThan(3000)
    }
  },
  {
    id: 'P12',
    area: 'persistent',
    title: 'the action, with a registry failing every time',
    outcome: 'a failed step with the message; no branch, no pull request, the workspace untouched',
    run: async () => {
      await withAction(
        {
          registry: {
            fault: (_req, ctx) => (isQuayManifest(ctx) ? { status: 502, body: 'bad gateway' } : undefined)
          }
        },
        async ({ repo, github, run }) => {
          const before = snapshot(path.join(repo.workspace, ASSETS))
          const r = await run({}, { KINDNET_UPDATER_RETRIES: '1' })
          expect(r.code).toBe(1)
          expect(r.stdout).toMatch(/::error::Could not fetch the manifest .*502 Bad Gateway/)
          expect(Object.keys(remoteHeads(repo.origin))).toEqual(['main'])
          expect(github.state.pulls).toEqual([])
          expect(snapshot(path.join(repo.workspace, ASSETS))).toEqual(before)
          expect(r.summary).toContain('kindnet-updater failed')
        }
      )
    }
  },
  // ---- bad input: refused before any request -----------------------------------------------------
  ...(
    [
      ['I1', 'a version with `/`', ['--kube-proxy-version', '4.20/0'], /Invalid kube-proxy version '4.20\/0'/],
      ['I2', 'a version with `..`', ['--kube-proxy-version', '4..20'], /Invalid kube-proxy version '4..20'/],
      ['I3', 'a version with spaces', ['--kube-proxy-version', '4.20 okd'], /Invalid kube-proxy version '4.20 okd'/],
      [
        'I4',
        'a version with shell metacharacters',
        ['--kube-proxy-version', '$(id);`x`'],
        /Invalid kube-proxy version '\$\(id\);`x`'/
      ],
      [
        'I5',
        'a version over 64 characters',
        ['--kube-proxy-version', '4'.repeat(65)],
        /Invalid kube-proxy version '4{65}'.*at most|1 to 64/
      ],
      [
        'I6',
        'a CIDR with a /99 prefix',
        ['--cluster-cidr', '10.42.0.0/99'],
        /Invalid cluster CIDR '10.42.0.0\/99'. Expected a CIDR/
      ],
      ['I7', 'a CIDR that is not one', ['--pod-subnet', 'not-a-cidr'], /Invalid pod subnet 'not-a-cidr'/],
      [
        'I8',
        'an image reference with a bad digest',
        ['--kindnet-image', 'docker.io/kindest/kindnetd@sha256:1234'],
        /'sha256:1234' is not a digest/
      ],
      [
        'I9',
        'an image reference outside the grammar',
        ['--kube-proxy-image', 'quay.io/OKD/Scos Content'],
        /Invalid kube-proxy image 'quay.io\/OKD\/Scos Content'.*outside the reference grammar/
      ],
      [
        'I10',
        'an unknown missing-arch policy',
        ['--missing-arch', 'sometimes'],
        /Expected one of: fallback, keep, fail/
      ],
      [
        'I11',
        'a malformed registry URL (CLI)',
        ['--registry-url', 'registry.k8s.io'],
        /Invalid registry URL 'registry.k8s.io'. Expected HOST=URL/
      ]
    ] as const
  ).map(([id, title, args, message]): Case => ({
    id,
    area: 'input',
    title,
    outcome: 'exit 2 before any request; the message names the value and what was expected',
    run: () => refused([...args], message)
  })),
  {
    id: 'I12',
    area: 'input',
    title: 'an unknown `mode` (action)',
    outcome: 'a failed step before any request, naming the allowed modes',
    run: () =>
      actionRefused({ mode: 'merge' }, /::error::Invalid mode 'merge'. Expected one of: pull-request, write, check/)
  },
  {
    id: 'I13',
    area: 'input',
    title: 'an `assets-dir` outside the workspace (action)',
    outcome: 'a failed step before any request',
    run: () =>
      actionRefused(
        { 'assets-dir': '../../etc' },
        /::error::Invalid assets-dir '..\/..\/etc'. Expected a folder inside the workspace/
      )
  },
  {
    id: 'I14',
    area: 'input',
    title: 'a malformed `registry-urls` line (action)',
    outcome: 'a failed step before any request',
    run: () =>
      actionRefused(
        { 'registry-urls': 'quay.io=https://quay.io\nnot a line' },
        /::error::Invalid registry URL 'not a line'/
      )
  },
  // ---- what registries send must not inject ---------------------------------------------------------
  {
    id: 'J1',
    area: 'injection',
    title: 'a Quay digest carrying YAML (`sha256:…\\nimages: []`)',
    outcome: 'refused (exit 3) before it reaches a URL or a file',
    run: async () => {
      await failsCleanly(
        {
          mutate: (d) => {
            d.quay['okd/scos-content'].find((x) => x.name === '4.20.0-okd-scos.11-kube-proxy')!.manifest_digest =
              `sha256:${'a'.repeat(64)}\nimages: []`
          }
        },
        /sent a digest that is not sha256/
      )
    }
  },
  {
    id: 'J2',
    area: 'injection',
    title: 'a Docker Hub `images[].digest` carrying YAML',
    outcome: 'refused (exit 3); nothing written',
    run: async () => {
      await failsCleanly(
        {
          mutate: (d) => {
            d.hub['kindest/kindnetd'][0].images[0].digest = `sha256:${'b'.repeat(64)}\n  - name: evil`
          }
        },
        /sent a digest that is not sha256/
      )
    }
  },
  {
    id: 'J3',
    area: 'injection',
    title: 'tag names with YAML-significant characters (`v20991231-deadbeef: {}`, `…\\n`)',
    outcome: 'never match the tag grammar: ignored, the newest valid tag is pinned, nothing of them is written',
    run: async () => {
      const r = await cli({
        mutate: (d) => {
          const template = d.hub['kindest/kindnetd'][0]
          d.hub['kindest/kindnetd'].unshift(
            { ...template, name: 'v20991231-deadbeef: {}' },
            { ...template, name: 'v20991231-deadbeef\n' },
            { ...template, name: "v20991231-deadbeef'" }
          )
        }
      })
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('Latest kindnet tag: v20250512-df8de77b')
      expect(JSON.stringify(contents(r.dir))).not.toContain('2099')
    }
  },
  // ---- git and GitHub ----------------------------------------------------------------------------
  {
    id: 'G1',
    area: 'git-github',
    title: 'the push lease fails because someone pushed to the branch in the meantime',
    outcome: 'nothing overwritten: the run reads again, finds the foreign commit, comments and warns (operation none)',
    run: async () => {
      const data = loadRecordedData()
      let race: (() => void) | undefined
      const onRequest = ({ method, path: p }: { method: string; path: string }) => {
        if (method === 'GET' && p.includes('/pulls?') && race) {
          const push = race
          race = undefined
          push()
        }
      }
      await withAction({ registry: { data }, github: { onRequest } }, async ({ repo, github, run }) => {
        const first = await run()
        expect(first.outputs['pull-request-operation']).toBe('created')
        publishKubeProxy12(data)
        race = () => {
          git(repo.other, 'fetch', '--quiet', 'origin')
          git(repo.other, 'checkout', '--quiet', '-B', 'race', 'origin/kindnet-updater/update-manifests')
          writeFileSync(path.join(repo.other, 'RACE.md'), 'pushed during the run\n')
          git(repo.other, 'add', 'RACE.md')
          git(repo.other, 'commit', '--quiet', '-m', 'Pushed during the run')
          git(repo.other, 'push', '--quiet', 'origin', 'HEAD:refs/heads/kindnet-updater/update-manifests')
        }
        const r = await run()
        expect(r.code).toBe(0)
        expect(r.stdout).toMatch(
          /::warning::Someone pushed to 'kindnet-updater\/update-manifests' while this run was working/
        )
        expect(r.outputs['pull-request-operation']).toBe('none')
        expect(git(repo.origin, 'log', '-1', '--format=%s', 'kindnet-updater/update-manifests')).toBe(
          'Pushed during the run'
        )
        expect(github.state.comments.at(-1)?.body).toContain('did not make')
      })
    }
  },
  {
    id: 'G2',
    area: 'git-github',
    title: 'pull-request creation refused: 403 "Resource not accessible by integration"',
    outcome: 'a failed step naming the permissions block; the pushed branch is deleted again',
    run: async () => {
      await withAction({ github: { faults: { refuseCreate: 'not-accessible' } } }, async ({ repo, run }) => {
        const r = await run()
        expect(r.code).toBe(1)
        expect(r.stdout).toMatch(
          /::error::GitHub refused to create the pull request: 403 "Resource not accessible by integration"/
        )
        expect(r.stdout).toContain('pull-requests: write')
        expect(Object.keys(remoteHeads(repo.origin))).toEqual(['main'])
      })
    }
  },
  {
    id: 'G3',
    area: 'git-github',
    title: 'pull-request creation refused: 422 "GitHub Actions is not permitted to create or approve pull requests"',
    outcome: 'a failed step naming the repository setting; no branch left behind',
    run: async () => {
      await withAction({ github: { faults: { refuseCreate: 'actions-not-permitted' } } }, async ({ repo, run }) => {
        const r = await run()
        expect(r.code).toBe(1)
        expect(r.stdout).toContain('Settings → Actions → General → Workflow permissions')
        expect(Object.keys(remoteHeads(repo.origin))).toEqual(['main'])
      })
    }
  },
  {
    id: 'G4',
    area: 'git-github',
    title: 'labels, reviewers and assignees answer 422 right after creation, then succeed',
    outcome: 'retried briefly; all three are set',
    run: async () => {
      await withAction({ github: { faults: { labels422: 1 } } }, async ({ github, run }) => {
        const r = await run({ labels: 'dependencies', reviewers: 'alice', assignees: 'bob' })
        expect(r.code).toBe(0)
        const pr = github.state.pulls[0]
        expect(pr.labels.map((l) => l.name)).toEqual(['dependencies'])
        expect(pr.requested_reviewers.map((u) => u.login)).toEqual(['alice'])
        expect(pr.assignees.map((u) => u.login)).toEqual(['bob'])
        expect(github.log.filter((e) => e.status === 422)).toHaveLength(1)
      })
    }
  },
  {
    id: 'G5',
    area: 'git-github',
    title: 'the token never appears in logs, summary, PR body or git config',
    outcome: 'masked with ::add-mask:: before anything is printed; absent everywhere else',
    run: async () => {
      await withAction({}, async ({ repo, github, run }) => {
        const r = await run()
        expect(r.code).toBe(0)
        const lines = r.stdout.split('\n')
        expect(lines[0]).toBe(`::add-mask::${TOKEN}`)
        const rest = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n')
        for (const text of [rest, r.stderr, r.summary, JSON.stringify(github.state)]) expect(text).not.toContain(TOKEN)
        for (const dir of [repo.workspace, repo.origin]) {
          for (const file of ['.git/config', 'config']) {
            const p = path.join(dir, file)
            if (existsSync(p)) expect(await fs.readFile(p, 'utf8')).not.toContain(TOKEN)
          }
        }
      })
    }
  },
  // ---- concurrency --------------------------------------------------------------------------------
  {
    id: 'C1',
    area: 'concurrency',
    title: 'two action runs at once against the same repository',
    outcome: 'one open pull request; the branch equals one run’s result, never a mix',
    run: async () => {
      await withAction({}, async ({ repo, registry, github }) => {
        const second = path.join(tempDir(), 'workspace2')
        git(path.dirname(second), 'clone', '--quiet', repo.origin, second)
        const runs = await Promise.all(
          [repo.workspace, second].map((w) => runAction(w, actionInputs(registry.url), { GITHUB_API_URL: github.url }))
        )
        for (const r of runs) {
          const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'))
          expect({ code: r.code, errors }).toEqual({ code: 0, errors: [] })
        }
        // One run creates the PR; the other finds it (or the branch it pushed) and changes nothing.
        expect(runs.map((r) => r.outputs['pull-request-operation']).sort()).toEqual(['created', 'none'])
        expect(runs[0].outputs['pull-request-number']).toBe(runs[1].outputs['pull-request-number'])
        expect(github.state.pulls.filter((p) => p.state === 'open')).toHaveLength(1)
        const branch = remoteHeads(repo.origin)['kindnet-updater/update-manifests']
        const files = contents(GENERATED)
        for (const [rel, content] of Object.entries(files)) {
          if (rel.startsWith('kube-proxy/')) expect(gitShow(repo.origin, `${branch}:${ASSETS}/${rel}`)).toBe(content)
        }
        expect(git(repo.origin, 'rev-list', '--count', `main..${branch}`)).toBe('1')
      })
    }
  },
  // ---- files ------------------------------------------------------------------------------------
  {
    id: 'F1',
    area: 'files',
    title: 'a read-only assets folder',
    outcome: 'exit 3 "Writing the assets failed … Nothing was changed"; the folder byte-identical',
    run: async () => {
      // Permission bits bind only non-root users: as root, run the bundled CLI as nobody (setpriv).
      const asRoot = process.getuid?.() === 0
      const base = tempDir('kindnet-updater-ro-')
      chmodSync(base, 0o755)
      const dist = path.join(base, 'dist')
      cpSync(path.join(ROOT, 'dist'), dist, { recursive: true })
      const dir = path.join(base, 'assets')
      cpSync(COMMITTED, dir, { recursive: true })
      for (const d of [dir, path.join(dir, 'kindnet'), path.join(dir, 'kube-proxy')]) chmodSync(d, 0o555)
      const before = snapshot(dir)
      const server = await startLookalike()
      try {
        const { spawn } = await import('node:child_process')
        const argv = [
          path.join(dist, 'cli', 'index.js'),
          'generate',
          '--assets-dir',
          dir,
          ...lookalikeFlags(server.url)
        ]
        const [cmd, args] = asRoot
          ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...argv]]
          : [process.execPath, argv]
        const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(cmd, args as string[], {
            cwd: base,
            env: { PATH: process.env.PATH },
            stdio: ['ignore', 'ignore', 'pipe']
          })
          let stderr = ''
          child.stderr.on('data', (d) => (stderr += d))
          child.on('close', (code) => resolve({ code, stderr }))
        })
        expect(r.stderr).toMatch(/Writing the assets failed: EACCES.*Nothing was changed/)
        expect(r.code).toBe(3)
        expect(snapshot(dir)).toEqual(before)
      } finally {
        await server.close()
        for (const d of [dir, path.join(dir, 'kindnet'), path.join(dir, 'kube-proxy')]) chmodSync(d, 0o755)
      }
    }
  },
  {
    id: 'F2',
    area: 'files',
    title: 'a file of the assets folder replaced by a directory',
    outcome: 'its component counts as changed; the write fails with exit 3 naming it; the folder byte-identical',
    run: async () => {
      const data = loadRecordedData()
      const server = await startLookalike({ data })
      const dir = copyAssets(COMMITTED)
      const target = path.join(dir, 'kube-proxy', 'release-kube-proxy-x86_64.json')
      rmSync(target)
      mkdirSync(target)
      writeFileSync(path.join(target, 'keep'), 'x\n')
      const before = snapshot(dir)
      try {
        const r = await runBundledCli(['generate', '--assets-dir', dir, ...lookalikeFlags(server.url)])
        expect(r.stderr).toMatch(/release-kube-proxy-x86_64.json is a directory/)
        expect(r.code).toBe(3)
        expect(snapshot(dir)).toEqual(before)
      } finally {
        await server.close()
      }
    }
  },
  {
    id: 'F3',
    area: 'files',
    title: 'the process dies in the middle of writing (the Nth rename fails, for every N)',
    outcome: 'afterwards the folder holds either all old or all new files',
    run: async () => {
      const server = await startLookalike()
      try {
        const settings = buildSettings(
          {
            assetsDir: copyAssets(COMMITTED),
            dockerHubUrl: server.url,
            quayUrl: server.url,
            registryUrls: [`docker.io=${server.url}`, `quay.io=${server.url}`],
            force: true
          },
          { KINDNET_UPDATER_BACKOFF_MS: '10' }
        )
        const logger = { info: () => undefined, warning: () => undefined }
        const oldFiles = contents(settings.assetsDir)
        for (let n = 1; n <= 21; n++) {
          const dir = copyAssets(COMMITTED)
          const result = await planUpdate({ ...settings, assetsDir: dir }, { logger })
          let renames = 0
          const failing = {
            ...fs,
            rename: async (a: string, b: string) => {
              if (++renames === n) throw Object.assign(new Error(`simulated crash at rename ${n}`), { code: 'EIO' })
              return fs.rename(a, b)
            }
          } as WriteFs
          await expect(writePlan(result, true, failing)).rejects.toThrow(/simulated crash/)
          expect(contents(dir)).toEqual(oldFiles)
        }
        const dir = copyAssets(COMMITTED)
        await writePlan(await planUpdate({ ...settings, assetsDir: dir }, { logger }), true)
        expect(contents(dir)).toEqual(contents(GENERATED))
      } finally {
        await server.close()
      }
    }
  }
]

/** The Markdown table of docs/reliability.md, generated from CASES. */
export function matrixTable(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
  const rows = ['| # | area | case | what happens |', '| --- | --- | --- | --- |']
  for (const c of CASES) rows.push(`| ${c.id} | ${c.area} | ${esc(c.title)} | ${esc(c.outcome)} |`)
  return rows.join('\n')
}
