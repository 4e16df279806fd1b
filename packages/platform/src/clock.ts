/** One clock for the server so tests can move time (token expiry, throttling windows). */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
