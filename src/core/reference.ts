import { UpdaterError, UsageError } from './errors.js'

/**
 * Image references, tags and digests, validated against the distribution reference grammar
 * (github.com/distribution/reference). Everything that ends up in a URL path, a YAML or a JSON
 * file passes through one of these checks first.
 */

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?`
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`)
const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`)
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/

export const DOCKER_HUB = 'docker.io'

export interface ImageRef {
  /** Registry host as written in manifests, e.g. docker.io, quay.io, 127.0.0.1:5000. */
  host: string
  /** Repository path inside the registry, e.g. kindest/kindnetd. */
  repository: string
  /** host/repository, the name written into the manifests. */
  name: string
}

export function isTag(value: string): boolean {
  return TAG_RE.test(value)
}

export function isDigest(value: string): boolean {
  return DIGEST_RE.test(value)
}

export function isRegistryHost(value: string): boolean {
  return DOMAIN_RE.test(value)
}

/**
 * Parses an image repository reference such as `docker.io/kindest/kindnetd` or
 * `quay.io/okd/scos-content`. A tag or digest is refused: the updater chooses them.
 */
export function parseImageRef(ref: string, what: string): ImageRef {
  const expected =
    `Expected a repository such as docker.io/kindest/kindnetd: an optional registry host, ` +
    `then lowercase path components, without a tag or digest.`
  if (!ref || ref.length > 255) throw new UsageError(`Invalid ${what} '${ref}'. ${expected}`)
  let rest = ref
  const at = rest.indexOf('@')
  if (at >= 0) {
    const digest = rest.slice(at + 1)
    if (!isDigest(digest)) {
      throw new UsageError(
        `Invalid ${what} '${ref}': '${digest}' is not a digest (sha256: and 64 lowercase hex digits). ${expected}`
      )
    }
    throw new UsageError(`Invalid ${what} '${ref}': it pins a digest. ${expected}`)
  }
  let host = DOCKER_HUB
  const slash = rest.indexOf('/')
  if (slash > 0) {
    const first = rest.slice(0, slash)
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[')) {
      host = first
      rest = rest.slice(slash + 1)
    }
  }
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.indexOf(':', lastSlash + 1)
  if (colon >= 0) {
    const tag = rest.slice(colon + 1)
    if (!isTag(tag)) throw new UsageError(`Invalid ${what} '${ref}': '${tag}' is not a valid tag. ${expected}`)
    throw new UsageError(`Invalid ${what} '${ref}': it names a tag. ${expected}`)
  }
  if (!isRegistryHost(host))
    throw new UsageError(`Invalid ${what} '${ref}': '${host}' is not a registry host. ${expected}`)
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = DOCKER_HUB
  if (host === DOCKER_HUB && !rest.includes('/')) rest = `library/${rest}`
  if (!PATH_RE.test(rest)) {
    throw new UsageError(
      `Invalid ${what} '${ref}': '${rest}' has characters outside the reference grammar. ${expected}`
    )
  }
  return { host, repository: rest, name: `${host}/${rest}` }
}

/** Throws unless a value a registry sent is a tag we can safely use in a URL and a file. */
export function checkRegistryTag(tag: unknown, source: string): string {
  if (typeof tag !== 'string' || !isTag(tag)) {
    throw new UpdaterError(`${source} sent a tag that is not valid: ${JSON.stringify(tag)?.slice(0, 140)}`)
  }
  return tag
}

/** Throws unless a value a registry sent is a sha256 digest. */
export function checkRegistryDigest(digest: unknown, source: string): string {
  if (typeof digest !== 'string' || !isDigest(digest)) {
    throw new UpdaterError(
      `${source} sent a digest that is not sha256: and 64 lowercase hex digits: ${JSON.stringify(digest)?.slice(0, 140)}`
    )
  }
  return digest
}
