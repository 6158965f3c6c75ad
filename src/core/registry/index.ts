import { DOCKER_HUB, type ImageRef } from '../reference.js'
import { resolveDockerHub } from './dockerhub.js'
import { resolveOci } from './oci.js'
import { resolveQuay } from './quay.js'
import type { Matcher, ResolveContext, Resolved } from './types.js'

export type { Matcher, ResolveContext, Resolved } from './types.js'

/** The tag source follows the image's registry: Docker Hub's API, Quay's API, or OCI tags/list. */
export function resolveImage(ctx: ResolveContext, image: ImageRef, matcher: Matcher): Promise<Resolved> {
  if (image.host === DOCKER_HUB) return resolveDockerHub(ctx, image, matcher)
  if (image.host === 'quay.io') return resolveQuay(ctx, image, matcher)
  return resolveOci(ctx, image, matcher)
}
