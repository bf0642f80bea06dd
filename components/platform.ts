/** Whether shortcuts use Cmd rather than Ctrl. */
export function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

/** Writes a CodeMirror-style key ("Mod-Shift-p") the way the platform shows it. */
export function formatKeys(keys: string): string {
  const mac = isMac();
  return keys
    .split('-')
    .map((k) => {
      if (k === 'Mod') return mac ? '⌘' : 'Ctrl';
      if (k === 'Alt') return mac ? '⌥' : 'Alt';
      if (k === 'Shift') return mac ? '⇧' : 'Shift';
      return k.length === 1 ? k.toUpperCase() : k;
    })
    .join(mac ? '' : '+');
}

/** Whether a keyboard event has the platform's command modifier (Cmd on macOS, Ctrl elsewhere). */
export function hasMod(e: KeyboardEvent): boolean {
  return isMac() ? e.metaKey : e.ctrlKey;
}
