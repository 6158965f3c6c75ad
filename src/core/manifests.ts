import { createHash } from 'node:crypto'
import { UpdaterError } from './errors.js'
import { checkRegistryDigest } from './reference.js'
import { ARCHES, type Arch, OCI_ARCH } from './settings.js'

/** The media types every manifest request accepts (a registry otherwise may convert or 404). */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/** Verifies that the exact bytes hash to the digest they were fetched by or listed with. */
export function verifyDigest(bytes: Buffer | string, expected: string, what: string): void {
  const actual = sha256Digest(bytes)
  if (actual !== expected) {
    throw new UpdaterError(
      `The bytes of ${what} do not match their digest: expected ${expected}, got ${actual}. ` +
        `The registry or something between it and this machine altered them; do not pin this image, try again later.`
    )
  }
}

export interface Platform {
  architecture?: string
  os?: string
  variant?: string
}

interface IndexEntry {
  digest?: unknown
  mediaType?: string
  platform?: Platform
  annotations?: Record<string, string>
}

export interface ParsedManifest {
  kind: 'index' | 'manifest'
  /** Index entries (kind index). */
  entries: IndexEntry[]
  /** Config digest (kind manifest). */
  configDigest?: string
}

export function parseManifest(bytes: Buffer | string, what: string): ParsedManifest {
  let doc: { manifests?: unknown; config?: { digest?: unknown }; schemaVersion?: number; mediaType?: string }
  try {
    doc = JSON.parse(bytes.toString())
  } catch {
    throw new UpdaterError(`${what} is not JSON; the registry may be failing, try again later.`)
  }
  if (doc && Array.isArray(doc.manifests)) return { kind: 'index', entries: doc.manifests as IndexEntry[] }
  if (doc && doc.config && typeof doc.config === 'object') {
    return { kind: 'manifest', entries: [], configDigest: checkRegistryDigest(doc.config.digest, `${what} (config)`) }
  }
  throw new UpdaterError(
    `${what} is neither an image index nor an image manifest (schemaVersion ${doc?.schemaVersion ?? '?'}, ` +
      `mediaType ${doc?.mediaType ?? '?'}).`
  )
}

function isAttestation(entry: IndexEntry): boolean {
  return (
    entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    entry.platform?.architecture === 'unknown' ||
    entry.platform?.os === 'unknown'
  )
}

/** The linux entry for an architecture: arm64 with any variant (v8 preferred), amd64 without one preferred. */
export function matchesArch(platform: Platform | undefined, arch: Arch): boolean {
  return platform?.os === 'linux' && platform.architecture === OCI_ARCH[arch]
}

function variantRank(arch: Arch, variant: string | undefined): number {
  if (arch === 'aarch64') return variant === 'v8' || !variant ? 0 : 1
  return variant ? 1 : 0
}

/** Per-architecture digests from an index's entries (or Docker Hub's images[]). */
export function digestsFromPlatforms(
  entries: Array<{ digest?: unknown; platform?: Platform; annotations?: Record<string, string> }>,
  what: string
): Partial<Record<Arch, string>> {
  const found: Partial<Record<Arch, string>> = {}
  for (const arch of ARCHES) {
    const matching = entries
      .filter((e) => !isAttestation(e) && matchesArch(e.platform, arch))
      .sort((a, b) => variantRank(arch, a.platform?.variant) - variantRank(arch, b.platform?.variant))
    if (matching.length > 0) found[arch] = checkRegistryDigest(matching[0].digest, what)
  }
  return found
}

/** The one architecture of a single-arch image, from its config blob. */
export function archFromConfig(bytes: Buffer, what: string): Partial<Record<Arch, true>> {
  let config: Platform
  try {
    config = JSON.parse(bytes.toString())
  } catch {
    throw new UpdaterError(`${what} is not JSON; the registry may be failing, try again later.`)
  }
  const result: Partial<Record<Arch, true>> = {}
  for (const arch of ARCHES) if (matchesArch(config, arch)) result[arch] = true
  return result
}
