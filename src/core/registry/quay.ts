import { UpdaterError } from '../errors.js'
import { parseJson } from '../http.js'
import { verifyDigest } from '../manifests.js'
import { checkRegistryDigest, checkRegistryTag, type ImageRef } from '../reference.js'
import { Best } from '../select.js'
import { chosenTag, platformDigests } from './oci.js'
import type { Matcher, ResolveContext, Resolved } from './types.js'

/**
 * Quay.io API v1: tag pages read concurrently (at most 4 in flight), stopping at the first page
 * with `has_additional: false`; rows carry `manifest_digest`, so one manifest request follows.
 */

export const QUAY_CONCURRENCY = 4
const MAX_PAGES = 1000

interface QuayRow {
  name?: unknown
  manifest_digest?: unknown
  end_ts?: number
}

interface QuayPage {
  tags?: QuayRow[]
  has_additional?: boolean
}

function quayHeaders(ctx: ResolveContext): Record<string, string> {
  const creds = ctx.settings.credentials['quay.io']
  // Quay's API takes an OAuth token as a bearer token (QUAY_TOKEN).
  return creds ? { authorization: `Bearer ${creds.password}` } : {}
}

export async function resolveQuay(ctx: ResolveContext, image: ImageRef, matcher: Matcher): Promise<Resolved> {
  const source = `Quay (${ctx.settings.quayUrl})`
  const api = `${ctx.settings.quayUrl}/api/v1/repository/${image.repository}`
  const headers = quayHeaders(ctx)
  const best = new Best()
  const rowOf = new Map<string, QuayRow>()
  const tagOf = new Map<string, string>()
  const nowSeconds = Date.now() / 1000
  let lastPage = Infinity
  let nextPage = 1
  const inFlight = new Map<number, AbortController>()
  const failed = new AbortController()

  const worker = async (): Promise<void> => {
    while (!failed.signal.aborted) {
      const page = nextPage++
      if (page > lastPage) return
      if (page > MAX_PAGES) {
        throw new UpdaterError(`The Quay tag list of ${image.repository} has more than ${MAX_PAGES} pages; giving up.`)
      }
      const controller = new AbortController()
      inFlight.set(page, controller)
      const url =
        `${api}/tag/?limit=100&page=${page}&onlyActiveTags=true` +
        (matcher.contains ? `&filter_tag_name=like:${encodeURIComponent(matcher.contains)}` : '')
      let json: QuayPage
      try {
        ;({ json } = await ctx.http.getJson<QuayPage>(url, {
          what: `the Quay tag list of ${image.repository} (page ${page})`,
          headers,
          signal: AbortSignal.any([controller.signal, failed.signal]),
          hint: 'Quay rate-limits its API per address; try again later, or set QUAY_USERNAME and QUAY_TOKEN.'
        }))
      } catch (err) {
        if (page > lastPage || failed.signal.aborted) return
        throw err
      } finally {
        inFlight.delete(page)
      }
      if (page > lastPage) return
      if (!json || !Array.isArray(json.tags) || typeof json.has_additional !== 'boolean') {
        throw new UpdaterError(
          `The Quay tag list ${url} has no 'tags' array or 'has_additional'; the Quay API may have changed.`
        )
      }
      for (const row of json.tags) {
        if (typeof row?.name !== 'string') continue
        if (typeof row.end_ts === 'number' && row.end_ts <= nowSeconds) continue
        const before = best.current
        const candidate = matcher.match(row.name)
        best.offer(candidate)
        if (candidate && typeof row.manifest_digest === 'string') tagOf.set(row.manifest_digest, row.name)
        if (best.current !== before) {
          rowOf.clear()
          rowOf.set(row.name, row)
        }
      }
      if (!json.has_additional) {
        lastPage = Math.min(lastPage, page)
        for (const [p, c] of inFlight) if (p > lastPage) c.abort()
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: QUAY_CONCURRENCY }, worker))
  } catch (err) {
    failed.abort()
    throw err
  }
  const tag = checkRegistryTag(chosenTag(best, image, matcher, source), source)
  const digest = checkRegistryDigest(rowOf.get(tag)?.manifest_digest, `${source}, tag ${tag}`)
  const url = `${api}/manifest/${digest}`
  const what = `the manifest ${digest} of ${image.name}:${tag}`
  const answer = await ctx.http.get(url, { what, headers, accept: [404] })
  if (answer.status === 404) {
    throw new UpdaterError(
      `${what} is gone from Quay (GET ${url} answered 404): the tag was probably deleted or moved after it was listed. Run again.`
    )
  }
  const json = parseJson<{ digest?: unknown; manifest_data?: unknown }>(answer, what)
  if (typeof json?.manifest_data !== 'string') {
    throw new UpdaterError(
      `Quay's answer for ${what} (${url}) has no manifest_data string; the Quay API may have changed.`
    )
  }
  verifyDigest(Buffer.from(json.manifest_data, 'utf8'), digest, what)
  const digests = await platformDigests(ctx, image, { bytes: json.manifest_data, digest }, `${image.name}:${tag}`)
  return { image, tag, digests, source, tagOf }
}
