export interface Platform {
  architecture: string
  os: string
  variant?: string
}

export type IndexEntry = Platform | { attestationFor: number }

export interface PushOptions {
  /** 'oci' (default): OCI index / image manifests; 'docker': Docker manifest list / v2 manifests. */
  mediaType?: 'oci' | 'docker'
  annotations?: Record<string, string>
}

export interface PushedManifest {
  /** sha256 of the exact bytes PUT (equals the registry's Docker-Content-Digest). */
  digest: string
  bytes: Buffer
  size: number
  mediaType: string
}

export interface PushedIndex extends PushedManifest {
  manifests: { digest: string; platform: Platform; mediaType: string }[]
}

export interface RealRegistry {
  /** e.g. http://127.0.0.1:41601 */
  url: string
  /** e.g. 127.0.0.1:41601 */
  host: string
  /** Milliseconds from spawn until GET /v2/ answered 200. */
  startMs: number
  pushManifest(repo: string, tag: string | null, platform: Platform, options?: PushOptions): Promise<PushedManifest>
  pushIndex(repo: string, tag: string, entries: IndexEntry[], options?: PushOptions): Promise<PushedIndex>
  stop(): Promise<void>
  /** Registry stderr/stdout captured so far. */
  output(): string
}

export declare const MEDIA_TYPES: Readonly<{
  ociIndex: string
  ociManifest: string
  ociConfig: string
  ociLayer: string
  dockerList: string
  dockerManifest: string
  dockerConfig: string
  dockerLayer: string
}>

/** The full Accept list (distribution 2.8 answers 404 for an OCI index/manifest unless listed). */
export declare const ACCEPT_ALL: string

export declare function startRealRegistry(options?: { binary?: string }): Promise<RealRegistry>
export declare function registryAvailable(binary?: string): boolean
