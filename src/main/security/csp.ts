// The Content Security Policy of the renderer, in one place: the desktop app's index.html carries it
// as a <meta> (a unit test checks the file against this), and `likeness serve` sends it as a header.
// No inline or eval'd script, no inline style, nothing from any other origin; images also from the
// likeness:// media scheme (desktop) and data:/blob: (generated in the page).

export interface CspOptions {
  /** The desktop app's media scheme (likeness:), allowed for images. */
  mediaScheme?: string;
  /** The WebSocket origin of `likeness serve`'s /events (ws://host:port). */
  eventSocketOrigin?: string;
  /** Sent as an HTTP header: frame-ancestors works there (not in a <meta>). */
  header?: boolean;
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", ...(options.mediaScheme ? [`${options.mediaScheme}:`] : []), 'data:', 'blob:']],
    ['connect-src', ["'self'", ...(options.eventSocketOrigin ? [options.eventSocketOrigin] : [])]],
    ['font-src', ["'self'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ...(options.header ? ([['frame-ancestors', ["'none'"]]] as [string, string[]][]) : []),
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** A policy's directives by name (for tests and checks). */
export function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}
