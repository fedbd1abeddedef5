/** A database or Redis URL as logs may show it: the password replaced. */
export function redact(url: string): string {
  // The password runs to the last @ of the authority (an unencoded @ in it included).
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^/?#]*@/i, '$1:***@');
}
