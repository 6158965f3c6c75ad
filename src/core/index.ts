// The core's public surface: what the CLI and the action adapters use.
export { UpdaterError, UsageError, HttpError, errorMessage } from './errors.js'
export { buildSettings, DEFAULTS, ARCHES, type Arch, type RawOptions, type Settings } from './settings.js'
export { planUpdate, writePlan, type ComponentPlan, type Logger, type UpdateResult } from './update.js'
export { COMPONENTS, type Component } from './render.js'
export { kindnetCommit } from './select.js'
