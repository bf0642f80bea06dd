'use client';

import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface PickerItem {
  key: string;
  label: string;
  /** Indexes of label characters to emphasise (fuzzy match positions). */
  positions?: number[];
  detail?: string;
  hint?: ReactNode;
  icon?: ReactNode;
}

interface PickerProps<T extends PickerItem> {
  testId: string;
  /** Test id of the dialog itself (testId names its filter box). */
  dialogTestId?: string;
  placeholder: string;
  ariaLabel: string;
  /** Items to show for the current query, best first. */
  search: (query: string) => T[];
  onPick: (item: T) => void;
  onClose: () => void;
  emptyText: string;
}

/**
 * A modal list with a filter box, shared by quick open and the command palette. Arrow keys move
 * the selection, Enter picks, Esc or a click outside closes.
 */
export function Picker<T extends PickerItem>({ testId, dialogTestId, placeholder, ariaLabel, search, onPick, onClose, emptyText }: PickerProps<T>) {
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);
  const items = useMemo(() => search(query), [search, query]);
  const listRef = useRef<HTMLUListElement>(null);
  const index = Math.min(selected, Math.max(0, items.length - 1));

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [index, items]);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || (e.key === 'n' && e.ctrlKey)) {
      e.preventDefault();
      setSelected(items.length ? (index + 1) % items.length : 0);
    } else if (e.key === 'ArrowUp' || (e.key === 'p' && e.ctrlKey)) {
      e.preventDefault();
      setSelected(items.length ? (index - 1 + items.length) % items.length : 0);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (items[index]) onPick(items[index]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    }
  };

  const listId = `${testId}-list`;
  return (
    <div className="overlay overlay-top" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="picker" role="dialog" aria-label={ariaLabel} data-testid={dialogTestId}>
        <input
          className="picker-input"
          data-testid={testId}
          autoFocus
          placeholder={placeholder}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setSelected(0);
          }}
          onKeyDown={onKeyDown}
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={items[index] ? `${listId}-${index}` : undefined}
          spellCheck={false}
          autoComplete="off"
        />
        <ul className="picker-list" id={listId} role="listbox" ref={listRef}>
          {items.length === 0 && <li className="picker-empty">{emptyText}</li>}
          {items.map((item, i) => (
            <li
              key={item.key}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === index}
              className={'picker-item' + (i === index ? ' selected' : '')}
              onMouseMove={() => i !== index && setSelected(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => onPick(item)}
            >
              {item.icon}
              <span className="picker-label">
                <Highlighted text={item.label} positions={item.positions} />
              </span>
              {item.detail && <span className="picker-detail">{item.detail}</span>}
              {item.hint && <span className="picker-hint">{item.hint}</span>}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function Highlighted({ text, positions }: { text: string; positions?: number[] }) {
  if (!positions?.length) return <>{text}</>;
  const marked = new Set(positions);
  const parts: ReactNode[] = [];
  let run = '';
  let runMarked = false;
  const flush = (i: number) => {
    if (run) parts.push(runMarked ? <mark key={i}>{run}</mark> : <span key={i}>{run}</span>);
    run = '';
  };
  for (let i = 0; i < text.length; i++) {
    const m = marked.has(i);
    if (m !== runMarked) {
      flush(i);
      runMarked = m;
    }
    run += text[i];
  }
  flush(text.length);
  return <>{parts}</>;
}
