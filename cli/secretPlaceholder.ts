/**
 * What a secret looks like in everything the CLI prints, and what a `secure:` config value becomes offline (never a
 * real secret: the stack's secrets are never decrypted). Its own module so that the plan's program process can mask
 * secrets without loading the stack-file reader (and its YAML parser).
 */
export const SECRET_PLACEHOLDER = "[secret]";
