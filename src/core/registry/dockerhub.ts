import { UpdaterError } from '../errors.js'
import { digestsFromPlatforms } from '../manifests.js'
import { checkRegistryDigest, checkRegistryTag, type ImageRef } from '../reference.js'
import { Best } from '../select.js'
import { chosenTag, fetchManifest, platformDigests } from './oci.js'
import type { Matcher, ResolveContext, Resolved } from './types.js'

/**
 * Docker Hub: tags from the Hub API (newest push first, but ordered by the matcher's key, since an
 * old tag can be re-pushed); per-arch digests from the tag's images[] — no further request — or,
 * when Hub answers `images: []`, from the image index in the registry.
 */

const PAGE_SIZE = 100
const MAX_PAGES = 100

interface HubImage {
  architecture?: string
  os?: string
  variant?: string | null
  digest?: string
}

interface HubTag {
  name?: unknown
  digest?: unknown
  images?: HubImage[]
  tag_status?: string
}

interface HubPage {
  next?: string | null
  results?: HubTag[]
}

async function hubHeaders(ctx: ResolveContext): Promise<Record<string, string>> {
  const creds = ctx.settings.credentials['docker.io']
  if (!creds) return {}
  // Docker Hub's login API: a personal access token becomes a short-lived bearer token.
  const { json } = await ctx.http.getJson<{ access_token?: string; token?: string }>(
    `${ctx.settings.dockerHubUrl}/v2/auth/token`,
    {
      what: 'a Docker Hub API token',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: creds.username, secret: creds.password }),
      hint: 'Check DOCKERHUB_USERNAME and DOCKERHUB_TOKEN.'
    }
  )
  const token = json?.access_token ?? json?.token
  if (typeof token !== 'string' || !token) throw new UpdaterError('Docker Hub answered the login without a token.')
  return { authorization: `Bearer ${token}` }
}

export async function resolveDockerHub(ctx: ResolveContext, image: ImageRef, matcher: Matcher): Promise<Resolved> {
  const source = `Docker Hub (${ctx.settings.dockerHubUrl})`
  const headers = await hubHeaders(ctx)
  const best = new Best()
  let bestTag: HubTag | undefined
  const tagOf = new Map<string, string>()
  for (let page = 1; ; page++) {
    const url =
      `${ctx.settings.dockerHubUrl}/v2/repositories/${image.repository}/tags` +
      `?page_size=${PAGE_SIZE}&page=${page}&ordering=last_updated`
    const { json } = await ctx.http.getJson<HubPage>(url, {
      what: `the Docker Hub tag list of ${image.repository}`,
      headers,
      hint: 'Docker Hub may be rate-limiting anonymous requests: set DOCKERHUB_USERNAME and DOCKERHUB_TOKEN, or try again later.'
    })
    if (!json || !Array.isArray(json.results)) {
      throw new UpdaterError(`The Docker Hub tag list ${url} has no 'results' array; the Hub API may have changed.`)
    }
    for (const tag of json.results) {
      if (typeof tag?.name !== 'string') continue
      const before = best.current
      const candidate = matcher.match(tag.name)
      best.offer(candidate)
      if (best.current !== before) bestTag = tag
      if (candidate) {
        for (const d of [tag.digest, ...(Array.isArray(tag.images) ? tag.images.map((i) => i?.digest) : [])]) {
          if (typeof d === 'string') tagOf.set(d, tag.name)
        }
      }
    }
    if (!json.next) break
    if (page >= MAX_PAGES)
      throw new UpdaterError(`The Docker Hub tag list of ${image.repository} has more than ${MAX_PAGES} pages.`)
  }
  const tag = checkRegistryTag(chosenTag(best, image, matcher, source), source)
  const images = Array.isArray(bestTag?.images) ? bestTag.images : []
  let digests
  if (images.length > 0) {
    digests = digestsFromPlatforms(
      images.map((i) => ({
        digest: i.digest,
        platform: { architecture: i.architecture, os: i.os, variant: i.variant ?? undefined }
      })),
      `Docker Hub's images[] of ${image.name}:${tag}`
    )
  } else {
    // Docker Hub has answered `images: []` (docker/hub-feedback#2484): read the index instead.
    const reference =
      typeof bestTag?.digest === 'string' && bestTag.digest !== '' ? checkRegistryDigest(bestTag.digest, source) : tag
    const manifest = await fetchManifest(ctx, image, reference)
    digests = await platformDigests(ctx, image, manifest, `${image.name}:${tag}`)
  }
  return { image, tag, digests, source, tagOf }
}
