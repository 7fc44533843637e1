/**
 * `make`, with its results kept for up to `capacity` keys and emptied when full: the keys a
 * detector asks again and again (words, repository names, rule phrases) come back at once
 * after that. A kept result must not be changed by the caller; `make` never returns undefined.
 */
export function memoize<T>(make: (key: string) => T, capacity: number): (key: string) => T {
  const results = new Map<string, T>();
  return (key) => {
    let value = results.get(key);
    if (value === undefined) {
      value = make(key);
      if (results.size >= capacity) results.clear();
      results.set(key, value);
    }
    return value;
  };
}
