// The packages' CommonJS declarations (the `require` condition), type-checked from a .cts file.
import type { OboRequest } from '@obo/token-acquisition';
import type { ApiConfig } from '@obo/config';
import type { EmulatorFixture, SeedInput } from '@obo/entra-emulator';
import { createTokenValidator, type ValidatedToken } from '@obo/token-validation';

export type Checked = [OboRequest, ApiConfig, EmulatorFixture, SeedInput, ValidatedToken];
export const makeValidator: typeof createTokenValidator = createTokenValidator;
