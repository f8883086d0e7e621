/** Azure Resource Manager's first-party application id. */
export const ARM_APP_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
/** The audience of the ARM tokens the emulator issues outside its directory (External ID). */
export const ARM_AUDIENCE = 'https://management.azure.com/';
/** Audiences ARM accepts (and the resource prefixes of its scopes). */
export const ARM_AUDIENCES = [
  'https://management.azure.com/',
  'https://management.azure.com',
  'https://management.core.windows.net/',
  'https://management.core.windows.net',
];
