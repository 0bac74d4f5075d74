/**
 * Client names (`k2-oauth:clients[].name`) for adopted apps, from their display names: the slug rule of
 * components/config.ts (lower-case letters, digits and single hyphens, at most 40 characters), unique within the stack.
 * Apps are named in a stable order (display name, then appId), so two apps with the same display name get `name` and
 * `name-2` the same way on every run.
 */

export const MAX_SLUG_LENGTH = 40;

/** `K2 - Power Automate (Prod)` → `k2-power-automate-prod`; accents dropped; '' when nothing is left. */
export function slugOf(displayName: string, maxLength: number = MAX_SLUG_LENGTH): string {
  const ascii = displayName.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const slug = ascii
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= maxLength) return slug;
  // Cut at a hyphen when one is near the end, so a word is not cut in half.
  const cut = slug.slice(0, maxLength);
  const hyphen = cut.lastIndexOf("-");
  return (hyphen >= maxLength / 2 ? cut.slice(0, hyphen) : cut).replace(/-+$/g, "");
}

/**
 * A name for an app that no name in `taken` has: its display name's slug (`app-<first block of its appId>` when the
 * display name has no letters or digits), else that with `-2`, `-3`, ... The name is added to `taken`.
 */
export function uniqueSlug(displayName: string, appId: string, taken: Set<string>): string {
  const base = slugOf(displayName) || `app-${appId.toLowerCase().split("-")[0].replace(/[^a-z0-9]/g, "") || "adopted"}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) {
    const suffix = `-${n}`;
    name = `${slugOf(base, MAX_SLUG_LENGTH - suffix.length)}${suffix}`;
  }
  taken.add(name);
  return name;
}
