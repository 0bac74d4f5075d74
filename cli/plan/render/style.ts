/** Terminal colour for the text format: only on a TTY, never when NO_COLOR is set (https://no-color.org). */
import { styleText } from "node:util";

export type Style = "added" | "removed" | "changed" | "mandatory" | "advisory" | "muted" | "heading" | "ok";

const FORMATS: Record<Style, Parameters<typeof styleText>[0]> = {
  added: "green",
  removed: "red",
  changed: "yellow",
  mandatory: ["red", "bold"],
  advisory: "yellow",
  muted: "gray",
  heading: "bold",
  ok: "green",
};

export type Paint = (style: Style, text: string) => string;

export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}

export function painter(color: boolean): Paint {
  return color ? (style, text) => styleText(FORMATS[style], text, { validateStream: false }) : (_style, text) => text;
}
