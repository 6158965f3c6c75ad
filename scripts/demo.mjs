// `npm run demo`: the whole `generate` job, offline. Starts a look-alike of Docker Hub's and Quay's
// APIs on 127.0.0.1 serving the recorded data in __fixtures__/registry, runs the bundled CLI
// against it into a fresh demo/assets folder, prints where, and stops the server.
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { cliFlags, startLookalike } from '../tools/lookalike.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const assets = join(root, 'demo', 'assets')
rmSync(join(root, 'demo'), { recursive: true, force: true })

const server = await startLookalike()
console.log(`Look-alike Docker Hub / Quay / registry API serving recorded data on ${server.url}\n`)
const args = [join(root, 'dist', 'cli', 'index.js'), 'generate', '--assets-dir', assets, ...cliFlags(server.url)]
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, KUBE_PROXY_VERSION: '' } })
  child.on('close', resolve)
})
await server.close()
if (code === 0) {
  console.log(`\nThe demo wrote the manifests into ${assets} (${server.requests()} requests to the look-alike).`)
  console.log(`Try: ls demo/assets/*, or compare with: diff -r demo/assets __fixtures__/reference/generated/assets`)
}
process.exit(code)
