/**
 * Defence in depth for "never print a token or secret": every line verify writes passes through a Redactor that
 * knows each secret seen in this run (password, client secret, access/refresh/id tokens, device code) and replaces
 * any occurrence with a marker. The checks themselves print only claims; this catches the unforeseen (an error
 * message that echoes a request, a server that reflects a header).
 */
export const REDACTED = "[redacted]";

/** Shorter strings are not treated as secrets: replacing them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 6;

export class Redactor {
  private readonly secrets = new Set<string>();

  add(value: string | undefined): void {
    if (value === undefined) return;
    const v = value.trim();
    if (v.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(v);
    // Also its URL-encoded form, and for a JWT its signature part alone (the part that makes it usable).
    const encoded = encodeURIComponent(v);
    if (encoded !== v) this.secrets.add(encoded);
    const parts = v.split(".");
    if (parts.length === 3 && parts[2].length >= 16) this.secrets.add(parts[2]);
  }

  apply(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is replaced whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
    }
    return out;
  }
}
