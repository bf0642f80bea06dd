/**
 * Whether an editor that has just become visible may take the keyboard focus. A file opens
 * asynchronously (its document arrives over the socket), and by then the user may already be typing
 * in quick open, a dialog, a menu or another text field: taking the focus there would send their
 * keys into the file instead.
 */
export function focusIsFree(): boolean {
  const el = document.activeElement;
  if (!el || el === document.body) return true;
  if (el.closest('[role="dialog"], [role="alertdialog"], [role="menu"], .overlay')) return false;
  if (el.closest('.cm-editor')) return true;
  return !(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || (el as HTMLElement).isContentEditable);
}
