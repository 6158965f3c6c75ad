// The action's entry point (action.yml runs dist/index.js, the ncc bundle of this file).
import { run } from './main.js'

await run()
