/**
 * The colours collaborators are shown in. The server assigns one per session from this palette and
 * sends it with every presence message; the editor draws only colours from this list, so a peer
 * can never inject a style.
 */
export const PRESENCE_COLOURS = ['#e5c07b', '#61afef', '#c678dd', '#98c379', '#e06c75', '#56b6c2', '#d19a66', '#f0a6ca'] as const;

export type PresenceColour = (typeof PRESENCE_COLOURS)[number];

export function isPresenceColour(value: unknown): value is PresenceColour {
  return typeof value === 'string' && (PRESENCE_COLOURS as readonly string[]).includes(value);
}
