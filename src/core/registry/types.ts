import type { HttpClient } from '../http.js'
import type { ImageRef } from '../reference.js'
import type { Candidate } from '../select.js'
import type { Arch, Settings } from '../settings.js'

/** What a registry says about the chosen tag of an image. */
export interface Resolved {
  image: ImageRef
  tag: string
  /** Digests found per architecture; a missing one is handled by the missing-arch policy. */
  digests: Partial<Record<Arch, string>>
  /** Where the tag list came from, for messages. */
  source: string
  /** Digest → release tag, for the matching tags whose listing carried digests (to name the old tag). */
  tagOf: Map<string, string>
}

export interface ResolveContext {
  http: HttpClient
  settings: Settings
}

/** Picks candidate tags; `expected` describes them for the no-match message. */
export interface Matcher {
  match: (tag: string) => Candidate | undefined
  expected: string
  /** A substring every matching tag contains, for registries that filter server-side (Quay's like:). */
  contains?: string
}
