/**
 * Errors the adapters (CLI, action) map to exit codes and messages.
 * - UsageError: the input is invalid; raised before any request (exit 2).
 * - UpdaterError: a failure while resolving or writing (exit 3).
 */
export class UsageError extends Error {
  override name = 'UsageError'
}

export class UpdaterError extends Error {
  override name = 'UpdaterError'
}

/** An HTTP failure that retries did not overcome. */
export class HttpError extends UpdaterError {
  override name = 'HttpError'
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number
  ) {
    super(message)
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
