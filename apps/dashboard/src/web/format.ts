/** `just now`, `42 s ago`, `5 min ago`, `3 h ago`, then the date. */
export function relativeTime(iso: string | undefined, now: number): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(at).toISOString().slice(0, 10);
}

/** Hours, minutes and seconds of an uptime: `2 h 5 min`, `3 min 4 s`, `12 s`. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

/** The first and last characters of a long id (peer ids are 52 characters). */
export function shortId(id: string, keep = 6): string {
  return id.length <= keep * 2 + 1 ? id : `${id.slice(0, keep)}…${id.slice(-keep)}`;
}

/** The repositories of a session as its title: `backend-api ↔ frontend-app`. */
export function sessionTitle(repositories: readonly string[], fallback: string): string {
  return repositories.length > 0 ? repositories.join(' ↔ ') : fallback;
}
