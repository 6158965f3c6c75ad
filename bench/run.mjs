#!/usr/bin/env node
// `npm run bench`: the bundled CLI's `generate` side by side with the original script's request
// pattern (bench/baseline.sh, curl + jq, sequential), against the local registry look-alike
// (tools/lookalike.mjs) on 127.0.0.1 with a fixed latency per answer, for several Quay tag counts.
// Writes bench/results.md, prints it, and prints PASS/FAIL per target of the benchmark issue.
// Everything is loopback, every loop is bounded and every child process has a timeout.
// See bench/README.md.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, relative } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { cliFlags, generateData, startLookalike } from '../tools/lookalike.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'dist', 'cli', 'index.js')
const ACTION = join(ROOT, 'dist', 'index.js')
const BASELINE = join(ROOT, 'bench', 'baseline.sh')
const GNU_TIME = '/usr/bin/time'
const CHILD_TIMEOUT_MS = 120_000
const KUBE_PROXY_VERSION = '4.20.0-okd-scos'
const QUAY_PAGE = 100
const SPECULATIVE = 3

const USAGE = `Usage: node bench/run.mjs [options]
  --latency MS     latency the look-alike adds to every answer (default 60)
  --tags LIST      Quay kube-proxy tag counts, comma separated (default 100,500,5000)
  --runs N         runs of each side per tag count, alternating ours/baseline (default 5)
  --cold-runs N    runs of each cold-start command (default 10)
  --seed N         seed of the generated registry data (default 1)
  --out FILE       where to write the Markdown report (default bench/results.md; --smoke: none)
  --json FILE      also write the raw measurements as JSON
  --strict         exit 1 when a target is missed
  --smoke          T=100, 1 run, latency 5 ms, 3 cold-start runs (what the smoke test runs)`

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const opts = {
    latency: 60,
    tags: [100, 500, 5000],
    runs: 5,
    coldRuns: 10,
    seed: 1,
    out: join(ROOT, 'bench', 'results.md'),
    json: undefined,
    strict: false,
    smoke: false
  }
  const explicit = new Set()
  const int = (name, value, min, max) => {
    if (!/^\d+$/.test(value ?? '') || Number(value) < min || Number(value) > max)
      throw new Error(`${name} expects an integer from ${min} to ${max}, got '${value}'`)
    return Number(value)
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined]
    const value = () => inline ?? argv[++i]
    explicit.add(flag)
    switch (flag) {
      case '--latency':
        opts.latency = int(flag, value(), 0, 2000)
        break
      case '--tags':
        opts.tags = String(value() ?? '')
          .split(',')
          .map((t) => int(flag, t.trim(), 1, 20000))
        break
      case '--runs':
        opts.runs = int(flag, value(), 1, 50)
        break
      case '--cold-runs':
        opts.coldRuns = int(flag, value(), 1, 100)
        break
      case '--seed':
        opts.seed = int(flag, value(), 0, 2 ** 31)
        break
      case '--out':
        opts.out = value()
        break
      case '--json':
        opts.json = value()
        break
      case '--strict':
        opts.strict = true
        break
      case '--smoke':
        opts.smoke = true
        break
      case '--help':
      case '-h':
        console.log(USAGE)
        process.exit(0)
        break
      default:
        throw new Error(`unknown option '${arg}'\n${USAGE}`)
    }
  }
  if (opts.smoke) {
    if (!explicit.has('--latency')) opts.latency = 5
    if (!explicit.has('--tags')) opts.tags = [100]
    if (!explicit.has('--runs')) opts.runs = 1
    if (!explicit.has('--cold-runs')) opts.coldRuns = 3
    if (!explicit.has('--out')) opts.out = undefined
  }
  return opts
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

const sorted = (xs) => [...xs].sort((a, b) => a - b)
function median(xs) {
  const s = sorted(xs)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const min = (xs) => Math.min(...xs)
const max = (xs) => Math.max(...xs)
const ms = (x) => `${Math.round(x)}`
const ratio = (x) => x.toFixed(2)
const mb = (kb) => (kb / 1024).toFixed(1)
const range = (xs, f) => (min(xs) === max(xs) ? f(min(xs)) : `${f(min(xs))}–${f(max(xs))}`)

/**
 * A Markdown table, padded as Prettier pads it (so `prettier --check` passes on the report);
 * columns after the first are right-aligned unless `left`.
 */
function table(head, rows, left = false) {
  const right = head.map((_, i) => i > 0 && !left)
  const width = head.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i].length)))
  const cell = (text, i) => (right[i] ? text.padStart(width[i]) : text.padEnd(width[i]))
  const line = (cells) => `| ${cells.map(cell).join(' | ')} |`
  const rule = `| ${width.map((w, i) => (right[i] ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ')} |`
  return [line(head), rule, ...rows.map(line)].join('\n')
}

// ---------------------------------------------------------------------------------------------
// Child processes

/** A minimal environment: no proxies, no credentials, nothing from the caller but PATH and HOME. */
function baseEnv(extra = {}) {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), LANG: 'C.UTF-8', ...extra }
}

const hasGnuTime = (() => {
  if (!existsSync(GNU_TIME)) return false
  const dir = mkdtempSync(join(os.tmpdir(), 'kindnet-bench-time-'))
  try {
    const r = spawnSync(GNU_TIME, ['-f', '%M', '-o', join(dir, 'rss'), process.execPath, '-e', '0'], {
      timeout: 10_000
    })
    return r.status === 0 && /^\d+\s*$/.test(readFileSync(join(dir, 'rss'), 'utf8'))
  } catch {
    return false
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})()
const RSS_METHOD = hasGnuTime
  ? '`/usr/bin/time -f %M` (the kernel’s ru_maxrss of the CLI process, read at its exit)'
  : '/proc/<pid>/status VmHWM polled every 2 ms (a lower bound: the last sample before exit)'

/**
 * Runs a command (never through a shell) and times it from spawn to exit. With `rss`, wraps it in
 * GNU time to read its peak RSS (both sides of a comparison are wrapped alike).
 */
async function run(cmd, args, { env, cwd = ROOT, rss = false, tmp }) {
  let file = cmd
  let argv = args
  let rssFile
  if (rss && hasGnuTime) {
    rssFile = join(tmp, `rss-${process.hrtime.bigint()}`)
    file = GNU_TIME
    argv = ['-f', '%M', '-o', rssFile, cmd, ...args]
  }
  const start = performance.now()
  const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: CHILD_TIMEOUT_MS })
  let stdout = ''
  let stderr = ''
  let hwm = 0
  let poll
  if (rss && !hasGnuTime) {
    poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
        if (m) hwm = Math.max(hwm, Number(m[1]))
      } catch {
        // gone
      }
    }, 2)
  }
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const { code, signal, end } = await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => resolve({ code, signal, end: performance.now() }))
  })
  if (poll) clearInterval(poll)
  // Let stdout/stderr drain (they close right after exit).
  if (child.stdout.readable || child.stderr.readable)
    await Promise.race([
      Promise.all([new Promise((r) => child.stdout.on('close', r)), new Promise((r) => child.stderr.on('close', r))]),
      sleep(5000)
    ])
  let maxRssKb = rss ? hwm : undefined
  if (rssFile) {
    // GNU time writes "Command exited with non-zero status N" before the value when N != 0.
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n')
    maxRssKb = Number(lines.at(-1))
    rmSync(rssFile, { force: true })
  }
  if (signal) throw new Error(`${cmd} ${args.join(' ')} was killed by ${signal} (timeout ${CHILD_TIMEOUT_MS} ms?)`)
  return { code, stdout, stderr, start, end, wallMs: end - start, maxRssKb }
}

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : [relative(dir, join(dir, d.name))]
  )
}

// ---------------------------------------------------------------------------------------------
// One side of one run

async function runOurs(server, expected, tmp) {
  const assets = join(mkdtempSync(join(tmp, 'ours-')), 'assets')
  const args = [CLI, 'generate', '--assets-dir', assets, ...cliFlags(server.url)]
  const r = await run(process.execPath, args, { env: baseEnv(), rss: true, tmp })
  const problem =
    r.code !== 0
      ? `exit ${r.code}`
      : !r.stdout.includes(`Latest kindnet tag: ${expected.kindnet.tag}`) ||
          !r.stdout.includes(`Latest kube-proxy tag: ${expected.kubeProxy.tag}`)
        ? 'a wrong tag'
        : !readFileSync(join(assets, 'kindnet', 'kustomization.x86_64.yaml'), 'utf8').includes(
              expected.kindnet.amd64
            ) ||
            !readFileSync(join(assets, 'kube-proxy', 'kustomization.x86_64.yaml'), 'utf8').includes(
              expected.kubeProxy.amd64
            )
          ? 'a wrong digest'
          : files(assets).length !== 21
            ? `${files(assets).length} files instead of 21`
            : undefined
  if (problem) throw new Error(`our CLI gave ${problem}:\n${r.stdout}\n${r.stderr}`)
  rmSync(join(assets, '..'), { recursive: true, force: true })
  return r
}

async function runBaseline(server, expected, tmp) {
  const r = await run(BASELINE, [server.url, KUBE_PROXY_VERSION], { env: baseEnv(), rss: true, tmp })
  const ok =
    r.code === 0 &&
    r.stdout.includes(`Latest kindnet tag: ${expected.kindnet.tag}`) &&
    r.stdout.includes(`Latest kube-proxy tag: ${expected.kubeProxy.tag}`) &&
    r.stdout.includes(` - x86_64 digest: ${expected.kubeProxy.amd64}`) &&
    r.stdout.includes(` - x86_64 digest: ${expected.kindnet.amd64}`)
  if (!ok) throw new Error(`the baseline failed or answered wrongly (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  return r
}

/** Runs one side with a clean look-alike log; returns wall time, RSS and what the server saw. */
async function measured(side, server, expected, latency, tmp) {
  server.log.length = 0
  const r = await side(server, expected, tmp)
  const log = server.log.slice()
  // Requests aborted by the client (speculative pages) are answered after the latency: wait until
  // every logged request has its answer so that none spills into the next run (bounded).
  for (let waited = 0; log.some((e) => e.end === 0) && waited < latency * 4 + 2000; waited += 10) await sleep(10)
  const first = log.length ? min(log.map((e) => e.start)) : r.start
  const last = log.length ? max(log.map((e) => e.end)) : r.start
  const statuses = [...new Set(log.map((e) => e.status))]
  return {
    wallMs: r.wallMs,
    maxRssKb: r.maxRssKb,
    requests: log.length,
    spanMs: last - first,
    // the same clock (performance.now of this process): spawn → first request, last answer → exit
    beforeMs: first - r.start,
    afterMs: r.end - last,
    statuses,
    paths: log.map((e) => e.path)
  }
}

// ---------------------------------------------------------------------------------------------
// Per tag count

function quayPages(data) {
  const now = Date.now() / 1000
  const rows = data.quay['okd/scos-content'].filter(
    (r) => r.name.includes('kube-proxy') && (r.end_ts === undefined || r.end_ts === null || r.end_ts > now)
  )
  return Math.max(1, Math.ceil(rows.length / QUAY_PAGE))
}

/** Where the newest release sits in push order, and how far push order is from version order. */
function pushOrder(data, expected) {
  const names = data.quay['okd/scos-content']
    .slice()
    .sort((a, b) => b.start_ts - a.start_ts)
    .map((r) => r.name)
  const releases = names.filter((n) => /^4\.20\.0-okd-scos\.\d+-kube-proxy$/.test(n))
  const n = (t) => Number(/\.(\d+)-kube-proxy$/.exec(t)[1])
  let inversions = 0
  for (let i = 1; i < releases.length; i++) if (n(releases[i]) > n(releases[i - 1])) inversions++
  return {
    newestAt: names.indexOf(expected.kubeProxy.tag) + 1,
    outOfOrder: releases.length > 1 ? inversions / (releases.length - 1) : 0
  }
}

async function benchTagCount(T, opts, tmp, progress) {
  const data = generateData({ kubeProxyTags: T, kindnetTags: 10, seed: opts.seed })
  const { expected } = data
  if (!expected.kindnet || !expected.kubeProxy)
    throw new Error(`generateData(${T}) has no kindnet or kube-proxy release`)
  const pages = quayPages(data)
  const order = pushOrder(data, expected)
  const server = await startLookalike({ data, latencyMs: opts.latency })
  const runs = []
  try {
    for (let i = 0; i < opts.runs; i++) {
      const sides = i % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours']
      const pair = {}
      for (const side of sides) {
        pair[side] = await measured(side === 'ours' ? runOurs : runBaseline, server, expected, opts.latency, tmp)
      }
      runs.push(pair)
      progress(
        `T=${T} run ${i + 1}/${opts.runs}: ours ${ms(pair.ours.wallMs)} ms (${pair.ours.requests} req), ` +
          `baseline ${ms(pair.baseline.wallMs)} ms (${pair.baseline.requests} req)`
      )
    }
  } finally {
    await server.close()
  }
  const col = (side, key) => runs.map((r) => r[side][key])
  return {
    T,
    pages,
    bound: pages + 2 + SPECULATIVE,
    pushOrder: order,
    runs,
    ours: {
      requests: col('ours', 'requests'),
      wallMs: col('ours', 'wallMs'),
      spanMs: col('ours', 'spanMs'),
      beforeMs: col('ours', 'beforeMs'),
      afterMs: col('ours', 'afterMs'),
      maxRssKb: col('ours', 'maxRssKb')
    },
    baseline: {
      requests: col('baseline', 'requests'),
      wallMs: col('baseline', 'wallMs'),
      spanMs: col('baseline', 'spanMs'),
      beforeMs: col('baseline', 'beforeMs'),
      afterMs: col('baseline', 'afterMs'),
      maxRssKb: col('baseline', 'maxRssKb')
    },
    wallRatio: median(runs.map((r) => r.ours.wallMs / r.baseline.wallMs)),
    spanRatio: median(runs.map((r) => r.ours.spanMs / r.baseline.spanMs)),
    statuses: [...new Set(runs.flatMap((r) => [...r.ours.statuses, ...r.baseline.statuses]))]
  }
}

// ---------------------------------------------------------------------------------------------
// Cold start

async function coldStart(opts, tmp, progress) {
  // A canary look-alike: every URL the action could use points at it, and so do the proxy
  // variables; it must see no request at all (the action stops at input validation).
  const canary = await startLookalike({ data: generateData({ kubeProxyTags: 1, kindnetTags: 1 }) })
  const workspace = mkdtempSync(join(tmp, 'workspace-'))
  const actionEnv = baseEnv({
    INPUT_MODE: 'bogus',
    'INPUT_DOCKER-HUB-URL': canary.url,
    'INPUT_QUAY-URL': canary.url,
    'INPUT_REGISTRY-URLS': `docker.io=${canary.url}\nquay.io=${canary.url}`,
    GITHUB_API_URL: canary.url,
    GITHUB_SERVER_URL: canary.url,
    GITHUB_REPOSITORY: 'bench/bench',
    GITHUB_WORKSPACE: workspace,
    HTTP_PROXY: canary.url,
    HTTPS_PROXY: canary.url,
    http_proxy: canary.url,
    https_proxy: canary.url,
    NO_PROXY: ''
  })
  const commands = [
    { name: '`node -e 0`', args: ['-e', '0'], env: baseEnv(), code: 0 },
    { name: '`node dist/cli/index.js --help`', args: [CLI, '--help'], env: baseEnv(), code: 0, out: /generate/ },
    {
      name: '`node dist/index.js` (INPUT_MODE=bogus)',
      args: [ACTION],
      env: actionEnv,
      code: 1,
      out: /Invalid mode 'bogus'/
    }
  ]
  const times = commands.map(() => [])
  try {
    // One discarded warm-up round, then rounds in rotating order.
    for (let round = -1; round < opts.coldRuns; round++) {
      for (let k = 0; k < commands.length; k++) {
        const c = commands[(k + Math.max(round, 0)) % commands.length]
        const r = await run(process.execPath, c.args, { env: c.env, cwd: workspace, tmp })
        if (r.code !== c.code || (c.out && !c.out.test(r.stdout + r.stderr)))
          throw new Error(`${c.name} exited ${r.code}, expected ${c.code}:\n${r.stdout}\n${r.stderr}`)
        if (round >= 0) times[commands.indexOf(c)].push(r.wallMs)
      }
    }
    if (canary.requests() !== 0)
      throw new Error(
        `the action made ${canary.requests()} request(s) during the cold-start runs: ${canary.log[0].path}`
      )
  } finally {
    await canary.close()
  }
  progress(`cold start: ${commands.map((c, i) => `${c.name} ${ms(median(times[i]))} ms`).join(', ')}`)
  const nodeMedian = median(times[0])
  return commands.map((c, i) => ({
    name: c.name,
    bundle: i > 0,
    bytes: i === 0 ? undefined : readFileSync(c.args[0]).length,
    runs: times[i].length,
    median: median(times[i]),
    min: min(times[i]),
    max: max(times[i]),
    overNode: median(times[i]) - nodeMedian
  }))
}

// ---------------------------------------------------------------------------------------------
// Targets and report

function targets(results, cold, opts) {
  const out = []
  const requestsOk = results.every((r) => r.ours.requests.every((n) => n <= r.bound))
  out.push({
    name: 'Requests ≤ Quay pages + 2 + 3 speculative',
    measured: results.map((r) => `T=${r.T}: ${range(r.ours.requests, String)} ≤ ${r.bound}`).join('; '),
    pass: requestsOk
  })
  const t500 = results.find((r) => r.T === 500)
  const at500 = opts.latency === 60 ? 'T = 500, 60 ms' : `T = 500 (latency ${opts.latency} ms, target is at 60 ms)`
  out.push({
    name: `Server-side span ratio ≤ 0.4 at ${at500}`,
    measured: t500 ? ratio(t500.spanRatio) : 'T = 500 not run',
    pass: t500 ? t500.spanRatio <= 0.4 : undefined
  })
  out.push({
    name: `Wall time ratio ≤ 0.6 at ${at500}`,
    measured: t500 ? ratio(t500.wallRatio) : 'T = 500 not run',
    pass: t500 ? t500.wallRatio <= 0.6 : undefined
  })
  const r100 = results.find((r) => r.T === 100)
  const r5000 = results.find((r) => r.T === 5000)
  const rss = (r) => median(r.ours.maxRssKb)
  out.push({
    name: 'Peak RSS at T = 5 000 within 20 % of T = 100',
    measured:
      r100 && r5000
        ? `${mb(rss(r5000))} MB vs ${mb(rss(r100))} MB (${rss(r5000) >= rss(r100) ? '+' : ''}${(((rss(r5000) - rss(r100)) / rss(r100)) * 100).toFixed(1)} %)`
        : 'T = 100 and T = 5 000 not both run',
    pass: r100 && r5000 ? rss(r5000) <= rss(r100) * 1.2 : undefined
  })
  for (const c of cold.filter((c) => c.bundle)) {
    out.push({
      name: `Cold start of ${c.name} ≤ 300 ms over \`node -e 0\``,
      measured: `+${ms(c.overNode)} ms`,
      pass: c.overNode <= 300
    })
  }
  return out
}

const verdict = (t) => (t.pass === undefined ? 'n/a' : t.pass ? 'PASS' : 'FAIL')

function report(results, cold, checks, opts, startedAt, elapsedMs) {
  const cpu = os.cpus()
  const tool = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 }).stdout?.split('\n')[0] ?? '?'
  const lines = []
  lines.push('# Benchmark results', '')
  lines.push(
    `Generated by \`npm run bench${opts.smoke ? ' -- --smoke' : ''}\` (bench/run.mjs) on ${startedAt.toISOString()}; ` +
      `took ${(elapsedMs / 1000).toFixed(0)} s.`,
    ''
  )
  lines.push('## Machine', '')
  lines.push(
    table(
      ['what', 'value'],
      [
        ['CPU', `${os.availableParallelism?.() ?? cpu.length} cores, ${cpu[0]?.model?.trim() ?? '?'}`],
        ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
        ['OS', `${os.type()} ${os.release()} ${os.arch()}`],
        ['Node', process.version],
        ['curl / jq', `${tool('curl', ['--version']).split(' ').slice(0, 2).join(' ')} / ${tool('jq', ['--version'])}`]
      ],
      true
    ),
    ''
  )
  lines.push('## Set-up', '')
  lines.push(
    `- Look-alike registry (tools/lookalike.mjs) on 127.0.0.1, **${opts.latency} ms** added to every answer; data from ` +
      `\`generateData({ kubeProxyTags: T, kindnetTags: 10, seed: ${opts.seed} })\`: kindnet 10 tags, kube-proxy T tags ` +
      `on Quay in push order unrelated to version order (newest release at push position ` +
      `${results.map((r) => `${r.pushOrder.newestAt} of ${r.T}`).join(', ')}).`,
    `- **ours**: \`node dist/cli/index.js generate\` into a fresh folder (verified: the expected tags and digests, 21 files). ` +
      `**baseline**: bench/baseline.sh, the original script's request pattern with curl and jq, sequential ` +
      `(verified: the same tags and digests; it writes no files).`,
    `- ${opts.runs} run(s) of each side per T, alternating (ours first on even runs, baseline first on odd runs). ` +
      `Wall time: spawn to exit, as seen by the bench (process start-up included). Server-side span: first request ` +
      `received to last answer sent, from the look-alike's log (start-up left out). Ratios are ours/baseline, pair by ` +
      `pair, median of the ratios. Peak RSS: ${RSS_METHOD}.`,
    ''
  )
  lines.push('## Requests and wall time', '')
  lines.push(
    table(
      [
        'T',
        'Quay pages',
        'requests ours',
        'bound',
        'requests baseline',
        'wall ours ms (min–max)',
        'wall baseline ms (min–max)',
        'wall ratio'
      ],
      results.map((r) => [
        String(r.T),
        String(r.pages),
        range(r.ours.requests, String),
        String(r.bound),
        range(r.baseline.requests, String),
        `**${ms(median(r.ours.wallMs))}** (${ms(min(r.ours.wallMs))}–${ms(max(r.ours.wallMs))})`,
        `**${ms(median(r.baseline.wallMs))}** (${ms(min(r.baseline.wallMs))}–${ms(max(r.baseline.wallMs))})`,
        `**${ratio(r.wallRatio)}**`
      ])
    ),
    ''
  )
  lines.push('## Server-side span and memory', '')
  lines.push(
    table(
      ['T', 'span ours ms (min–max)', 'span baseline ms (min–max)', 'span ratio', 'peak RSS ours MB (min–max)'],
      results.map((r) => [
        String(r.T),
        `**${ms(median(r.ours.spanMs))}** (${ms(min(r.ours.spanMs))}–${ms(max(r.ours.spanMs))})`,
        `**${ms(median(r.baseline.spanMs))}** (${ms(min(r.baseline.spanMs))}–${ms(max(r.baseline.spanMs))})`,
        `**${ratio(r.spanRatio)}**`,
        `**${mb(median(r.ours.maxRssKb))}** (${mb(min(r.ours.maxRssKb))}–${mb(max(r.ours.maxRssKb))})`
      ])
    ),
    ''
  )
  lines.push('## Outside the span', '')
  lines.push(
    'Wall time = before the first request (process start-up, loading the bundle, reading the assets) + span + ' +
      'after the last answer (rendering, writing, exit). Medians, ms.',
    ''
  )
  lines.push(
    table(
      [
        'T',
        'ours: spawn → first request',
        'ours: last answer → exit',
        'baseline: spawn → first request',
        'baseline: last answer → exit'
      ],
      results.map((r) => [
        String(r.T),
        ms(median(r.ours.beforeMs)),
        ms(median(r.ours.afterMs)),
        ms(median(r.baseline.beforeMs)),
        ms(median(r.baseline.afterMs))
      ])
    ),
    ''
  )
  lines.push('## Cold start', '')
  lines.push(
    `Median of ${cold[0].runs} run(s) each after one discarded warm-up round, the three commands in rotating order; ` +
      `the action exits at input validation (INPUT_MODE=bogus) and a canary look-alike that every URL and proxy ` +
      `variable pointed at saw no request.`,
    ''
  )
  lines.push(
    table(
      ['command', 'bundle KB', 'median ms', 'min–max ms', 'over `node -e 0` ms'],
      cold.map((c) => [
        c.name,
        c.bytes === undefined ? '' : (c.bytes / 1024).toFixed(0),
        `**${ms(c.median)}**`,
        `${ms(c.min)}–${ms(c.max)}`,
        c.bundle ? `**+${ms(c.overNode)}**` : ''
      ])
    ),
    ''
  )
  lines.push('## Targets', '')
  lines.push(
    table(
      ['target', 'measured', 'verdict'],
      checks.map((t) => [t.name, t.measured, verdict(t)]),
      true
    ),
    ''
  )
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  for (const f of [CLI, ACTION, BASELINE])
    if (!existsSync(f)) throw new Error(`${relative(ROOT, f)} is missing (run npm run bundle?)`)
  for (const tool of ['curl', 'jq', 'bash'])
    if (spawnSync(tool, ['--version'], { timeout: 10_000 }).status !== 0) throw new Error(`${tool} is needed`)
  const progress = (line) => process.stderr.write(`bench: ${line}\n`)
  const tmp = mkdtempSync(join(os.tmpdir(), 'kindnet-bench-'))
  const startedAt = new Date()
  const t0 = performance.now()
  try {
    progress(
      `latency ${opts.latency} ms, T ${opts.tags.join(', ')}, ${opts.runs} run(s), peak RSS via ${hasGnuTime ? 'GNU time' : '/proc polling'}`
    )
    // One discarded warm-up pair (page cache, JIT of the look-alike).
    {
      const data = generateData({ kubeProxyTags: 100, kindnetTags: 10, seed: opts.seed })
      const server = await startLookalike({ data, latencyMs: 0 })
      try {
        await runOurs(server, data.expected, tmp)
        await runBaseline(server, data.expected, tmp)
      } finally {
        await server.close()
      }
    }
    const results = []
    for (const T of opts.tags) results.push(await benchTagCount(T, opts, tmp, progress))
    const cold = await coldStart(opts, tmp, progress)
    const checks = targets(results, cold, opts)
    const text = report(results, cold, checks, opts, startedAt, performance.now() - t0)
    if (opts.out) writeFileSync(opts.out, text)
    if (opts.json) writeFileSync(opts.json, JSON.stringify({ opts, results, cold, targets: checks }, null, 2) + '\n')
    console.log(text)
    for (const t of checks) console.log(`${verdict(t).padEnd(4)}  ${t.name}: ${t.measured}`)
    if (opts.out) progress(`wrote ${relative(process.cwd(), opts.out) || opts.out}`)
    if (opts.strict && checks.some((t) => t.pass === false)) process.exitCode = 1
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(`bench: ${err?.message ?? err}`)
  process.exit(2)
})
