import { UpdaterError } from '../errors.js'
import {
  archFromConfig,
  MANIFEST_ACCEPT,
  parseManifest,
  sha256Digest,
  digestsFromPlatforms,
  verifyDigest
} from '../manifests.js'
import { checkRegistryDigest, checkRegistryTag, type ImageRef } from '../reference.js'
import { Best } from '../select.js'
import { registryUrlFor, type Arch } from '../settings.js'
import type { Matcher, ResolveContext, Resolved } from './types.js'

/** The OCI distribution v2 API of any registry: tags/list, manifests, blobs. */

const MAX_TAG_PAGES = 1000

function base(ctx: ResolveContext, image: ImageRef): string {
  return registryUrlFor(ctx.settings, image.host)
}

function credentials(ctx: ResolveContext, image: ImageRef) {
  return ctx.settings.credentials[image.host]
}

/** GETs a manifest by tag or digest with the full Accept list; verifies its bytes. */
export async function fetchManifest(
  ctx: ResolveContext,
  image: ImageRef,
  reference: string
): Promise<{ bytes: Buffer; digest: string }> {
  const url = `${base(ctx, image)}/v2/${image.repository}/manifests/${reference}`
  const what = `the manifest of ${image.name}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`
  const answer = await ctx.http.get(url, {
    what,
    headers: { accept: MANIFEST_ACCEPT },
    challenge: true,
    credentials: credentials(ctx, image),
    accept: [404]
  })
  if (answer.status === 404) {
    throw new UpdaterError(
      `${what} is not in the registry (GET ${url} answered 404). The tag may have been deleted or moved ` +
        `after it was listed; run again, and check the image name.`
    )
  }
  const digest = reference.startsWith('sha256:') ? reference : sha256Digest(answer.body)
  verifyDigest(answer.body, digest, what)
  const header = answer.headers.get('docker-content-digest')
  if (header && header !== digest) {
    throw new UpdaterError(
      `${what}: the registry says its digest is ${header}, but its bytes hash to ${digest}. Try again later.`
    )
  }
  return { bytes: answer.body, digest }
}

export async function fetchBlob(ctx: ResolveContext, image: ImageRef, digest: string): Promise<Buffer> {
  const url = `${base(ctx, image)}/v2/${image.repository}/blobs/${digest}`
  const what = `the config blob ${digest} of ${image.name}`
  const answer = await ctx.http.get(url, { what, challenge: true, credentials: credentials(ctx, image) })
  verifyDigest(answer.body, digest, what)
  return answer.body
}

/**
 * Per-architecture digests of a manifest or index already fetched and verified: an index's
 * entries, or — for a single-arch manifest — its own digest under the architecture its config names.
 */
export async function platformDigests(
  ctx: ResolveContext,
  image: ImageRef,
  manifest: { bytes: Buffer | string; digest: string },
  what: string
): Promise<Partial<Record<Arch, string>>> {
  const parsed = parseManifest(manifest.bytes, what)
  if (parsed.kind === 'index') return digestsFromPlatforms(parsed.entries, what)
  const config = await fetchBlob(ctx, image, parsed.configDigest!)
  const arches = archFromConfig(config, `the config of ${what}`)
  const result: Partial<Record<Arch, string>> = {}
  for (const arch of Object.keys(arches) as Arch[]) result[arch] = manifest.digest
  return result
}

/** Streams the tag list page by page into `onTags`. */
export async function listTags(ctx: ResolveContext, image: ImageRef, onTags: (tags: string[]) => void): Promise<void> {
  const root = base(ctx, image)
  let url: string | undefined = `${root}/v2/${image.repository}/tags/list?n=1000`
  for (let page = 1; url; page++) {
    if (page > MAX_TAG_PAGES) {
      throw new UpdaterError(`The tag list of ${image.name} has more than ${MAX_TAG_PAGES} pages; giving up.`)
    }
    const { answer, json } = await ctx.http.getJson<{ tags?: unknown }>(url, {
      what: `the tag list of ${image.name}`,
      challenge: true,
      credentials: credentials(ctx, image)
    })
    if (
      !json ||
      typeof json !== 'object' ||
      (json.tags !== null && json.tags !== undefined && !Array.isArray(json.tags))
    ) {
      throw new UpdaterError(
        `The tag list of ${image.name} (${url}) has no 'tags' array; the registry's API may have changed.`
      )
    }
    onTags(((json.tags as unknown[] | null) ?? []).filter((t): t is string => typeof t === 'string'))
    url = nextLink(answer.headers.get('link'), url, root)
  }
}

function nextLink(header: string | null, current: string, root: string): string | undefined {
  const m = header ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(header) : null
  if (!m) return undefined
  const next = new URL(m[1], current)
  if (next.origin !== new URL(root).origin) {
    throw new UpdaterError(`The registry's next-page link ${next.href} leaves ${root}; refusing to follow it.`)
  }
  return next.href
}

/** Any OCI registry: choose the tag from tags/list, then the digests from its manifest. */
export async function resolveOci(ctx: ResolveContext, image: ImageRef, matcher: Matcher): Promise<Resolved> {
  const best = new Best()
  await listTags(ctx, image, (tags) => {
    for (const tag of tags) best.offer(matcher.match(tag))
  })
  const tag = chosenTag(best, image, matcher, base(ctx, image))
  const manifest = await fetchManifest(ctx, image, checkRegistryTag(tag, base(ctx, image)))
  checkRegistryDigest(manifest.digest, base(ctx, image))
  const digests = await platformDigests(ctx, image, manifest, `${image.name}:${tag}`)
  // tags/list carries no digests: the old tag stays unknown unless it is the chosen one.
  return { image, tag, digests, source: base(ctx, image), tagOf: new Map([[manifest.digest, tag]]) }
}

/** The chosen tag, or an error saying what was looked for and how much was seen. */
export function chosenTag(best: Best, image: ImageRef, matcher: Matcher, source: string): string {
  if (!best.current) {
    throw new UpdaterError(
      `No tag of ${image.name} matches ${matcher.expected} (${best.seen} tags listed by ${source}, ` +
        `${best.considered} matching). Check the version and the image name.`
    )
  }
  return best.current.tag
}
