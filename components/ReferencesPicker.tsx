'use client';

import { useCallback } from 'react';
import type { LangLocation } from '../lib/protocol';
import { FileIcon } from './FileIcon';
import { fuzzyMatch } from './fuzzy-match';
import { Picker, type PickerItem } from './Picker';

interface ReferenceItem extends PickerItem {
  location: LangLocation;
}

interface ReferencesPickerProps {
  locations: LangLocation[];
  onPick: (location: LangLocation) => void;
  onClose: () => void;
}

/** The places a symbol is used (Shift+F12): filter by file or line text, pick one to jump there. */
export function ReferencesPicker({ locations, onPick, onClose }: ReferencesPickerProps) {
  const search = useCallback(
    (query: string): ReferenceItem[] =>
      locations
        .map((location, i) => ({
          key: String(i),
          label: `${location.path}:${location.line}:${location.col}`,
          detail: location.lineText.trim(),
          icon: <FileIcon path={location.path} />,
          location,
        }))
        .filter((item) => !query || fuzzyMatch(query, item.label + ' ' + item.detail) !== null),
    [locations],
  );
  return (
    <Picker
      testId="references-filter"
      dialogTestId="references-list"
      placeholder={`${locations.length} ${locations.length === 1 ? 'reference' : 'references'} — type to filter`}
      ariaLabel="References"
      search={search}
      onPick={(item) => onPick(item.location)}
      onClose={onClose}
      emptyText="No references"
    />
  );
}
