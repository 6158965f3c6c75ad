// A git smart-HTTP server on 127.0.0.1 for tests: git's own `git http-backend` (CGI) behind a
// node http server that requires `Authorization: Basic base64(x-access-token:<token>)`, as
// GitHub does for an Actions token. Records whether each request was authorized (never the value).
import { spawn } from 'node:child_process'
import http from 'node:http'

const BACKEND = '/usr/lib/git-core/git-http-backend'

export async function startGitHttp({ root, token }) {
  const expected = Buffer.from(`x-access-token:${token}`).toString('base64')
  const log = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    // The auth scheme is case-insensitive (actions/checkout sends "basic").
    const [scheme, credentials] = (req.headers.authorization ?? '').split(' ')
    const authorized = scheme?.toLowerCase() === 'basic' && credentials === expected
    log.push({ method: req.method, path: url.pathname, authorized, sentAuth: Boolean(req.headers.authorization) })
    if (!authorized) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' })
      res.end('authentication required\n')
      return
    }
    const cgi = spawn(BACKEND, [], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: 'x-access-token',
        REMOTE_ADDR: '127.0.0.1',
        REQUEST_METHOD: req.method,
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: req.headers['git-protocol'] ?? ''
      },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    req.pipe(cgi.stdin)
    let head = Buffer.alloc(0)
    let headersDone = false
    cgi.stdout.on('data', (chunk) => {
      if (headersDone) return void res.write(chunk)
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      headersDone = true
      let status = 200
      const headers = {}
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const i = line.indexOf(':')
        const name = line.slice(0, i).trim()
        const value = line.slice(i + 1).trim()
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0])
        else headers[name] = value
      }
      res.writeHead(status, headers)
      res.write(head.subarray(end + 4))
    })
    cgi.on('close', () => {
      if (!headersDone) res.writeHead(500)
      res.end()
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    log,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
