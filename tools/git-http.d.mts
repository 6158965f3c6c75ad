export interface GitHttpLogEntry {
  method: string
  path: string
  /** the request carried the expected token */
  authorized: boolean
  /** the request carried an Authorization header at all */
  sentAuth: boolean
}
export function startGitHttp(options: { root: string; token: string }): Promise<{
  url: string
  log: GitHttpLogEntry[]
  close(): Promise<void>
}>
