import { expect, test } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { CASES, matrixTable } from './support/reliability-cases.js'
import { ROOT } from './support/cli.js'

/** docs/reliability.md's matrix is generated from the cases the reliability test runs: it cannot drift. */
const DOC = path.join(ROOT, 'docs', 'reliability.md')
const START = '<!-- reliability-matrix:start -->'
const END = '<!-- reliability-matrix:end -->'

test('docs/reliability.md lists exactly the cases of the reliability test', () => {
  const doc = readFileSync(DOC, 'utf8')
  const start = doc.indexOf(START)
  const end = doc.indexOf(END)
  expect(start).toBeGreaterThan(0)
  expect(end).toBeGreaterThan(start)
  const expected = `${START}\n\n${matrixTable()}\n\n${END}`
  if (process.env.UPDATE_DOCS === '1') {
    writeFileSync(DOC, doc.slice(0, start) + expected + doc.slice(end + END.length))
    return
  }
  expect(doc.slice(start, end + END.length)).toBe(expected)
  for (const c of CASES) expect(doc).toContain(`| ${c.id} |`)
})
