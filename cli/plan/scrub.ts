/**
 * Masks secret values in text: every occurrence of a secret, raw or as it appears inside a JSON string, becomes
 * `[secret]`. One scrubber for everything the plan prints (all formats, warnings, errors) and for what a dynamic
 * provider's check says about secret inputs. No YAML here: the plan's program process uses it too.
 */
import { SECRET_MASK } from "./wire";

/** Shorter values are too common to replace safely; they are masked by loadStackFile all the same. */
const MIN_SCRUB_LENGTH = 4;

export type Scrubber = (text: string) => string;

/**
 * Replaces every occurrence of the secrets with `[secret]`, in their raw form and as they appear inside a JSON string
 * (quotes and backslashes escaped).
 */
export function makeScrubber(secrets: readonly string[]): Scrubber {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SCRUB_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  if (forms.size === 0) return (text) => text;
  // One pass, longest value first at each position: a secret inside a longer one, or inside the mask itself, is never
  // masked again in what was already replaced.
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "g");
  return (text) => text.replace(pattern, () => SECRET_MASK);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Applies a scrubber to every string inside a JSON-compatible value (keys included). */
export function scrubDeep<T>(value: T, scrub: Scrubber): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === "object" && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) out[scrub(k)] = walk(inner);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
