/**
 * Every fakeable timer API but `Date`, for
 * `jest.useFakeTimers({ doNotFake: [...ALL_BUT_DATE], now })`: MSAL sees the clock move (tokens
 * come due), while sockets, timeouts and the event loop keep real time.
 */
export const ALL_BUT_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;
