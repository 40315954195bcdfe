// What a server keeps in its own memory per key (the role catalogue's copies, the held request
// contexts, the in-memory login throttle) is bounded: past `max` entries, the one set longest ago
// goes.

/** Sets `key` as the newest entry of `map`, first removing the oldest when `map` holds `max`. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}
