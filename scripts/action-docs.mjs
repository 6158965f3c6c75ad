// Renders the inputs and outputs of action.yml as Markdown tables and keeps them in README.md,
// between <!-- action-docs:start --> and <!-- action-docs:end -->, so the README cannot drift from
// the action.
//
//   node scripts/action-docs.mjs           rewrite the README section
//   node scripts/action-docs.mjs --check   exit 1 (and say what to run) when the README is out of date
//   --root DIR                             the folder holding action.yml and README.md (default: this repository)
//
// The section is formatted with the project's Prettier settings, so `prettier --check .` and this
// check agree.
import { readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const START = '<!-- action-docs:start -->'
export const END = '<!-- action-docs:end -->'
const NOTE = '<!-- generated from action.yml by `node scripts/action-docs.mjs`: edit action.yml, then run it -->'

const defaultRoot = fileURLToPath(new URL('..', import.meta.url))
const USAGE =
  'usage: node scripts/action-docs.mjs [--check] [--root DIR (holds action.yml and README.md; default: this repository)]'

/**
 * One table cell: backslashes, `|` and `<` escaped (GitHub would take `<V>` or `<email>` for HTML and drop
 * it), line breaks as <br>, surrounding whitespace dropped; the rest is Markdown as written.
 * @param {unknown} value
 * @returns {string}
 */
export function cell(value) {
  return String(value ?? '')
    .trim()
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '\\<')
    .replace(/\r?\n/g, '<br>')
}

/**
 * A default value as inline code (so `${{ github.token }}` reads as an expression, not prose); an
 * empty default is an empty cell.
 * @param {unknown} value
 * @returns {string}
 */
export function code(value) {
  const text = String(value ?? '')
  if (text.trim() === '') return ''
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/)
  return lines
    .map((line) => {
      // A code span cannot hold a longer run of backticks than its fence; pad when it starts or
      // ends with one. `|` still needs its backslash inside a table (GFM), and backslashes in a
      // code span are literal, so only `|` is escaped.
      const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))
      const fence = '`'.repeat(longest + 1)
      const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : ''
      return `${fence}${pad}${line.replace(/\|/g, '\\|')}${pad}${fence}`
    })
    .join('<br>')
}

/**
 * The generated section (without the markers), unformatted.
 * @param {string} actionYml the text of action.yml
 * @returns {string}
 */
export function renderSection(actionYml) {
  const action = parse(actionYml) ?? {}
  /** @type {Record<string, {description?: string, default?: unknown, required?: boolean}>} */
  const inputs = action.inputs ?? {}
  /** @type {Record<string, {description?: string}>} */
  const outputs = action.outputs ?? {}
  const lines = [NOTE, '', '### Inputs', '']
  lines.push('| name | description | default |', '| --- | --- | --- |')
  for (const [name, input] of Object.entries(inputs)) {
    const required = input?.required === true || input?.required === 'true' ? ' (required)' : ''
    lines.push(`| \`${name}\`${required} | ${cell(input?.description)} | ${code(input?.default)} |`)
  }
  lines.push('', '### Outputs', '')
  lines.push('| name | description |', '| --- | --- |')
  for (const [name, output] of Object.entries(outputs)) {
    lines.push(`| \`${name}\` | ${cell(output?.description)} |`)
  }
  return lines.join('\n') + '\n'
}

/**
 * Formats Markdown as `prettier --check` expects it for README.md (Prettier is a dev dependency;
 * without it the text is returned as rendered).
 * @param {string} markdown
 * @param {string} readmePath
 * @returns {Promise<string>}
 */
async function format(markdown, readmePath) {
  let prettier
  try {
    prettier = await import('prettier')
  } catch {
    return markdown
  }
  const options = (await prettier.resolveConfig(readmePath)) ?? {}
  return prettier.format(markdown, { ...options, filepath: readmePath, parser: 'markdown' })
}

/**
 * README text with the section between the markers replaced by `section`.
 * @param {string} readme
 * @param {string} section
 * @returns {string}
 */
export function splice(readme, section) {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (
    start < 0 ||
    end < 0 ||
    end < start ||
    readme.indexOf(START, start + 1) >= 0 ||
    readme.indexOf(END, end + 1) >= 0
  ) {
    throw new Error(`README.md must contain exactly one ${START} followed by one ${END}`)
  }
  return readme.slice(0, start + START.length) + '\n\n' + section.trim() + '\n\n' + readme.slice(end)
}

/**
 * Compares README.md with what action.yml gives.
 * @param {{ root?: string, readmePath?: string, actionPath?: string }} [paths]
 * @returns {Promise<{ upToDate: boolean, readme: string, expected: string, readmePath: string }>}
 */
export async function checkDocs(paths = {}) {
  const root = paths.root ?? defaultRoot
  const readmePath = paths.readmePath ?? join(root, 'README.md')
  const actionPath = paths.actionPath ?? join(root, 'action.yml')
  const readme = readFileSync(readmePath, 'utf8')
  const section = await format(renderSection(readFileSync(actionPath, 'utf8')), readmePath)
  const expected = splice(readme, section)
  return { upToDate: expected === readme, readme, expected, readmePath }
}

/**
 * The first line where two texts differ, for the error message.
 * @param {string} a
 * @param {string} b
 */
function firstDifference(a, b) {
  const left = a.split('\n')
  const right = b.split('\n')
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i])
      return { line: i + 1, actual: left[i] ?? '(end of file)', expected: right[i] ?? '(end of file)' }
  }
  return undefined
}

async function main() {
  const args = process.argv.slice(2)
  let check = false
  let root = defaultRoot
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--check') check = true
    else if (args[i] === '--root' && args[i + 1]) root = args[++i]
    else {
      console.error(`action-docs: unknown argument ${args[i]}\n${USAGE}`)
      return 2
    }
  }
  const result = await checkDocs({ root })
  const name = relative(process.cwd(), result.readmePath) || result.readmePath
  if (check) {
    if (result.upToDate) {
      console.log(`${name}: the inputs and outputs tables match action.yml`)
      return 0
    }
    const diff = firstDifference(result.readme, result.expected)
    console.error(
      `${name} is out of date: its inputs/outputs tables (between ${START} and ${END}) do not match action.yml.\n` +
        (diff ? `  first difference at line ${diff.line}:\n  - ${diff.actual}\n  + ${diff.expected}\n` : '') +
        'Run `node scripts/action-docs.mjs` and commit README.md.'
    )
    return 1
  }
  if (result.upToDate) {
    console.log(`${name} is up to date`)
  } else {
    writeFileSync(result.readmePath, result.expected)
    console.log(`${name}: inputs and outputs tables rewritten from action.yml`)
  }
  return 0
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(`action-docs: ${error instanceof Error ? error.message : error}`)
      process.exit(2)
    }
  )
}
