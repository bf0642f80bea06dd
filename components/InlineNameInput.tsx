'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';

interface InlineNameInputProps {
  initial: string;
  depth: number;
  icon: ReactNode;
  label: string;
  /** Resolves to an error message to show, or null when done. */
  onSubmit: (value: string) => Promise<string | null>;
  onCancel: () => void;
}

/** The text box that appears in the tree for a new or renamed entry. Enter confirms, Esc cancels. */
export function InlineNameInput({ initial, depth, icon, label, onSubmit, onCancel }: InlineNameInputProps) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A ref as well as state: blur can fire in the same tick as Enter, before a re-render.
  const busyRef = useRef(false);
  const ref = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    input.focus();
    // Like other editors, preselect the name without its extension so typing replaces just that.
    const dot = initial.lastIndexOf('.');
    input.setSelectionRange(0, dot > 0 ? dot : initial.length);
  }, [initial]);

  const submit = async () => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    const message = await onSubmit(value);
    busyRef.current = false;
    setBusy(false);
    if (message) {
      setError(message);
      ref.current?.focus();
    }
  };

  return (
    <div className="tree-edit" style={{ paddingLeft: indent(depth) }}>
      <div className="tree-edit-row">
        {icon}
        <input
          ref={ref}
          className={'tree-input' + (error ? ' invalid' : '')}
          data-testid="tree-name-input"
          aria-label={label}
          aria-invalid={error ? true : undefined}
          value={value}
          readOnly={busy}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Enter') {
              e.preventDefault();
              void submit();
            } else if (e.key === 'Escape') {
              e.preventDefault();
              onCancel();
            }
          }}
          onBlur={() => {
            if (busyRef.current) return;
            // Clicking away keeps a newly typed name and abandons an untouched or rejected one.
            if (value.trim() && value !== initial && !error) void submit();
            else onCancel();
          }}
        />
      </div>
      {error && (
        <div className="tree-error" role="alert" data-testid="tree-name-error">
          {error}
        </div>
      )}
    </div>
  );
}

/** Left padding of a tree row at `depth`. */
export function indent(depth: number): number {
  return 8 + depth * 12;
}
