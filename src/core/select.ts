import type { Matcher } from './registry/types.js'

/**
 * Tag selection: pure functions over tag names, fed page by page (a streaming "best so far"), so
 * memory stays flat however many tags a registry lists.
 */

export interface Candidate {
  tag: string
  /** Sort key, compared element by element; higher is newer. */
  key: number[]
}

export function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1)
    if (d !== 0) return d
  }
  return 0
}

/** Keeps the best candidate seen so far. Ties keep the first seen (the registry's newest push). */
export class Best {
  current: Candidate | undefined
  seen = 0
  considered = 0
  offer(candidate: Candidate | undefined): void {
    this.seen++
    if (!candidate) return
    this.considered++
    if (!this.current || compareKeys(candidate.key, this.current.key) > 0) this.current = candidate
  }
}

const KINDNET_RE = /^v(\d{4})(\d{2})(\d{2})-([0-9a-f]{7,40})$/

/**
 * kindnetd release tags are v<YYYYMMDD>-<git sha> (kind's images/Makefile.common.in). Everything
 * else (latest, 0.5.4, git-describe tags like v20251212-v0.29.0-alpha-105-g20ccfc88) is ignored.
 * The date in the tag orders releases; push order does not (an old tag can be re-pushed).
 */
export const kindnetMatcher: Matcher = {
  expected: 'v<YYYYMMDD>-<git sha> (kindnetd release tags)',
  match: (tag) => kindnetCandidate(tag)
}

export function kindnetCandidate(tag: string): Candidate | undefined {
  const m = KINDNET_RE.exec(tag)
  if (!m) return undefined
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  return { tag, key: [year * 10000 + month * 100 + day] }
}

/** The commit of kind a kindnetd tag was built from (its suffix), for links. */
export function kindnetCommit(tag: string): string | undefined {
  return KINDNET_RE.exec(tag)?.[4]
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * kube-proxy from Quay's scos-content: `<V>.<N>-kube-proxy`, highest N. Pre-releases
 * (`<V>.ec.4-…`, `<V>.rc.1-…`) and nightlies never match.
 */
export function quayKubeProxyMatcher(version: string): Matcher {
  const re = new RegExp(`^${escapeRegExp(version)}\\.(\\d{1,9})-kube-proxy$`)
  return {
    expected: `${version}.<N>-kube-proxy (releases of ${version}; ec/rc pre-releases and nightlies are skipped)`,
    contains: 'kube-proxy',
    match: (tag) => {
      const m = re.exec(tag)
      return m ? { tag, key: [Number(m[1])] } : undefined
    }
  }
}

/**
 * kube-proxy from any other registry (e.g. registry.k8s.io/kube-proxy): `<V>.<N>`, highest N
 * (v1.34.10 over v1.34.9); pre-releases (v1.35.0-rc.1) never match. The exact tag V is accepted
 * too, ranked below any V.N.
 */
export function ociKubeProxyMatcher(version: string): Matcher {
  const re = new RegExp(`^${escapeRegExp(version)}\\.(\\d{1,9})$`)
  return {
    expected: `${version}.<N> or ${version} (pre-releases are skipped)`,
    match: (tag) => {
      if (tag === version) return { tag, key: [-1] }
      const m = re.exec(tag)
      return m ? { tag, key: [Number(m[1])] } : undefined
    }
  }
}
