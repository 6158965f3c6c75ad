import { describe, expect, test } from '@jest/globals'
import { CASES } from './support/reliability-cases.js'

/** The reliability matrix (docs/reliability.md): each case states its expected outcome and runs here. */
describe('reliability matrix', () => {
  test('has at least 30 cases with unique ids', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30)
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length)
  })

  test.each(CASES.map((c) => [`${c.id} ${c.title} → ${c.outcome}`, c] as const))('%s', async (_name, c) => {
    await c.run()
  })
})
