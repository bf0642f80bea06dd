'use client';

import { useEffect, useRef } from 'react';
import { hasMod } from './platform';

export interface Shortcuts {
  quickOpen: () => void;
  commandPalette: () => void;
  closeTab: () => void;
  toggleSidebar: () => void;
  toggleProblems: () => void;
}

/**
 * Window-level shortcuts, handled in the capture phase so they win over the editor and over the
 * browser's own bindings (print for Ctrl+P; Ctrl+W cannot always be overridden, hence the
 * "Close Tab" command as well).
 */
export function useGlobalShortcuts(shortcuts: Shortcuts): void {
  const ref = useRef(shortcuts);
  useEffect(() => {
    ref.current = shortcuts;
  });

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const key = e.key.toLowerCase();
      const mod = hasMod(e) && !e.altKey;
      let action: (() => void) | null = null;
      if (e.key === 'F1' || (mod && e.shiftKey && key === 'p')) action = ref.current.commandPalette;
      else if (mod && !e.shiftKey && key === 'p') action = ref.current.quickOpen;
      else if (mod && !e.shiftKey && key === 'w') action = ref.current.closeTab;
      else if (mod && !e.shiftKey && key === 'b') action = ref.current.toggleSidebar;
      else if (mod && e.shiftKey && key === 'm') action = ref.current.toggleProblems;
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      action();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);
}
