// Formatting shared by the command line and the UI, so both say the same thing the same way.

/** "45s", "3m 05s", "2h 10m"; `unknown` where there is no figure (an ETA not known yet). */
export function formatDuration(seconds: number | null, unknown = ''): string {
  if (seconds === null || !Number.isFinite(seconds)) return unknown;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
