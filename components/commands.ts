import type { EditorView } from '@codemirror/view';
import { openApplyBox } from './editor/apply-box';
import { editorCommands } from './editor/editor-commands';
import { findReferences, goToDefinition, renameSymbol } from './editor/language-intel';
import { formatKeys } from './platform';

/** A command-palette entry. Commands are data so the palette, menus and shortcuts share them. */
export interface Command {
  id: string;
  title: string;
  /** Shown next to the title, CodeMirror notation ("Mod-Shift-p"). */
  keybinding?: string;
  /** Hidden from the palette when false (for instance mutating commands in a view-only session). */
  enabled?: boolean;
  run: () => void;
}

export interface CommandContext {
  canEdit: boolean;
  hasActiveFile: boolean;
  activeView: () => EditorView | null;
  newFile: () => void;
  newFolder: () => void;
  renameActive: () => void;
  deleteActive: () => void;
  closeTab: () => void;
  toggleSidebar: () => void;
  quickOpen: () => void;
  toggleProblems: () => void;
  share: () => void;
}

export function buildCommands(ctx: CommandContext): Command[] {
  const onEditor = (command: (view: EditorView) => boolean) => () => {
    const view = ctx.activeView();
    if (!view) return;
    view.focus();
    command(view);
  };
  const editable = ctx.canEdit;
  const list: Command[] = [
    { id: 'file.new', title: 'New File', enabled: editable, run: ctx.newFile },
    { id: 'folder.new', title: 'New Folder', enabled: editable, run: ctx.newFolder },
    { id: 'file.rename', title: 'Rename Active File', enabled: editable && ctx.hasActiveFile, run: ctx.renameActive },
    { id: 'file.delete', title: 'Delete Active File', enabled: editable && ctx.hasActiveFile, run: ctx.deleteActive },
    { id: 'tab.close', title: 'Close Tab', keybinding: 'Mod-w', enabled: ctx.hasActiveFile, run: ctx.closeTab },
    { id: 'editor.find', title: 'Find', keybinding: 'Mod-f', enabled: ctx.hasActiveFile, run: onEditor(editorCommands.find) },
    { id: 'editor.replace', title: 'Replace', keybinding: 'Mod-h', enabled: ctx.hasActiveFile && editable, run: onEditor(editorCommands.replace) },
    { id: 'editor.gotoLine', title: 'Go to Line', keybinding: 'Mod-Alt-g', enabled: ctx.hasActiveFile, run: onEditor(editorCommands.gotoLine) },
    { id: 'editor.undo', title: 'Undo', keybinding: 'Mod-z', enabled: ctx.hasActiveFile && editable, run: onEditor(editorCommands.undo) },
    { id: 'editor.redo', title: 'Redo', keybinding: 'Mod-Shift-z', enabled: ctx.hasActiveFile && editable, run: onEditor(editorCommands.redo) },
    { id: 'editor.definition', title: 'Go to Definition', keybinding: 'F12', enabled: ctx.hasActiveFile, run: onEditor(goToDefinition) },
    { id: 'editor.references', title: 'Find References', keybinding: 'Shift-F12', enabled: ctx.hasActiveFile, run: onEditor(findReferences) },
    { id: 'editor.applyEdit', title: 'Edit with Instruction or Sketch…', keybinding: 'Mod-k', enabled: ctx.hasActiveFile && editable, run: onEditor(openApplyBox) },
    { id: 'editor.renameSymbol', title: 'Rename Symbol', keybinding: 'F2', enabled: ctx.hasActiveFile && editable, run: onEditor(renameSymbol) },
    { id: 'view.sidebar', title: 'Toggle Sidebar', keybinding: 'Mod-b', run: ctx.toggleSidebar },
    { id: 'view.problems', title: 'Toggle Problems', keybinding: 'Mod-Shift-m', run: ctx.toggleProblems },
    { id: 'file.quickOpen', title: 'Quick Open', keybinding: 'Mod-p', run: ctx.quickOpen },
    { id: 'workspace.share', title: 'Share…', enabled: editable, run: ctx.share },
  ];
  return list.map((c) => (c.keybinding ? { ...c, keybinding: formatKeys(c.keybinding) } : c));
}
