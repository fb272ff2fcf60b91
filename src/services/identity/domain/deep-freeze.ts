/**
 * Freezes an object and every object and array inside it: what a cache hands to every later caller
 * (a validated token, a listed page of users) cannot then be changed by one of them.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
