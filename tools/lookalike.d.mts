// Types for tools/lookalike.mjs (a local look-alike of Docker Hub, Quay.io and OCI v2 registries).
import type { IncomingMessage } from 'node:http'

/** One Docker Hub tag object, as in `results[]` of GET /v2/repositories/{ns}/{repo}/tags. */
export interface HubTag {
  name: string
  digest: string
  media_type: string
  last_updated: string
  tag_last_pushed: string
  tag_status: string
  images: Array<{
    architecture: string
    variant: string | null
    os: string
    digest: string
    status: string
    size: number
    [key: string]: unknown
  }>
  [key: string]: unknown
}

/** One Quay tag row, as in `tags[]` of GET /api/v1/repository/{ns}/{repo}/tag/. */
export interface QuayTagRow {
  name: string
  reversion: boolean
  start_ts?: number
  end_ts?: number
  manifest_digest: string
  is_manifest_list: boolean
  size: number | null
  last_modified?: string
  expiration?: string
}

export interface RegistryData {
  /** 'kindest/kindnetd' → tag objects, newest last_updated first */
  hub: Record<string, HubTag[]>
  /** 'okd/scos-content' → tag rows, newest push first */
  quay: Record<string, QuayTagRow[]>
  oci: {
    /** repo → tag → manifest/index digest */
    tags: Record<string, Record<string, string>>
    /** digest → Content-Type to serve it with */
    mediaTypes: Record<string, string>
  }
  /** digest → exact bytes (a plain object digest → Buffer is accepted too) */
  blobs: Map<string, Buffer> | Record<string, Buffer>
}

export interface GeneratedData extends RegistryData {
  blobs: Map<string, Buffer>
  expected: {
    kindnet?: { tag: string; digest: string; amd64: string; arm64: string }
    kubeProxy?: { tag: string; digest: string; amd64: string }
  }
}

export interface LogEntry {
  method: string
  /** path including the query string */
  path: string
  /** 0 when the connection was reset by a fault */
  status: number
  /** performance.now() when the request arrived / the answer was handed to the socket */
  start: number
  end: number
  /** whether an Authorization header was present (its value is never recorded) */
  auth: boolean
}

export interface FaultContext {
  path: string
  query: Record<string, string>
  /** the raw query string, '' or '?a=b' */
  search: string
  /** how many times this path+query was requested so far, this one included (1-based) */
  count: number
}

export type FaultAnswer =
  undefined | 'reset' | { delayMs?: number; status?: number; headers?: Record<string, string>; body?: string | Buffer }

export interface Lookalike {
  url: string
  hubUrl: string
  quayUrl: string
  registryUrl: string
  data: RegistryData
  log: LogEntry[]
  requests(): number
  close(): Promise<void>
}

/** The CLI flags that point every registry role at `url`. */
export function cliFlags(url: string): string[]

export function loadRecordedData(dir?: string): RegistryData & { blobs: Map<string, Buffer> }

export function generateData(options?: {
  kubeProxyTags?: number
  kindnetTags?: number
  seed?: number
  kubeProxyVersion?: string
}): GeneratedData

export function startLookalike(options?: {
  data?: RegistryData
  latencyMs?: number
  fault?: (req: IncomingMessage, ctx: FaultContext) => FaultAnswer | Promise<FaultAnswer>
  auth?: 'anonymous' | { username: string; password: string }
}): Promise<Lookalike>
