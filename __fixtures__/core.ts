// Typed mocks of @actions/core for unit tests (jest.unstable_mockModule before importing the code).
import { jest } from '@jest/globals'
import type * as core from '@actions/core'

export const setSecret = jest.fn<typeof core.setSecret>()
export const getInput = jest.fn<typeof core.getInput>()
export const getMultilineInput = jest.fn<typeof core.getMultilineInput>()
export const setOutput = jest.fn<typeof core.setOutput>()
export const setFailed = jest.fn<typeof core.setFailed>()
export const info = jest.fn<typeof core.info>()
export const warning = jest.fn<typeof core.warning>()
export const debug = jest.fn<typeof core.debug>()
