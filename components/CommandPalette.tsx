'use client';

import { useCallback } from 'react';
import type { Command } from './commands';
import { rankFuzzy } from './fuzzy-match';
import { Picker, type PickerItem } from './Picker';

interface CommandItem extends PickerItem {
  command: Command;
}

/** Ctrl/Cmd+Shift+P or F1: run any command by name. */
export function CommandPalette({ commands, onRun, onClose }: { commands: Command[]; onRun: (c: Command) => void; onClose: () => void }) {
  const search = useCallback(
    (query: string): CommandItem[] => {
      const available = commands.filter((c) => c.enabled !== false);
      return rankFuzzy(query, available, (c) => c.title).map(({ item, positions }) => ({
        key: item.id,
        label: item.title,
        positions,
        hint: item.keybinding ? <kbd>{item.keybinding}</kbd> : undefined,
        command: item,
      }));
    },
    [commands],
  );

  return (
    <Picker
      testId="command-palette"
      ariaLabel="Command palette"
      placeholder="Type a command"
      emptyText="No matching commands"
      search={search}
      onPick={(item) => onRun(item.command)}
      onClose={onClose}
    />
  );
}
