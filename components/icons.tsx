/** Small line icons drawn inline, so the UI needs no icon font or package. */

const common = {
  width: 16,
  height: 16,
  viewBox: '0 0 16 16',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.2,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
  'aria-hidden': true,
} as const;

export function NewFileIcon() {
  return (
    <svg {...common}>
      <path d="M9 1.5H4a1 1 0 0 0-1 1v11a1 1 0 0 0 1 1h5.5M9 1.5l3.5 3.5V8M9 1.5V5h3.5" />
      <path d="M12.5 10.5v4M10.5 12.5h4" />
    </svg>
  );
}

export function NewFolderIcon() {
  return (
    <svg {...common}>
      <path d="M8.5 13.5H2.5a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h3.5l1.5 1.5h6a1 1 0 0 1 1 1V8" />
      <path d="M12.5 10.5v4M10.5 12.5h4" />
    </svg>
  );
}

export function ChevronIcon({ open }: { open: boolean }) {
  return (
    <svg {...common} width={12} height={12} style={{ transform: open ? 'rotate(90deg)' : undefined, transition: 'transform 0.1s' }}>
      <path d="M6 3.5L10.5 8 6 12.5" />
    </svg>
  );
}
