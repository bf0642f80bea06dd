'use client';

import { useMemo, useSyncExternalStore } from 'react';
import type { LangDiagnostic } from '../lib/protocol';
import { FileIcon } from './FileIcon';
import type { ProblemsStore } from './problems-store';

interface ProblemsPanelProps {
  problems: ProblemsStore;
  /** Opens a file with the cursor at an offset. */
  onOpen: (path: string, offset: number) => void;
  onClose: () => void;
}

const severityGlyph: Record<LangDiagnostic['severity'], string> = { error: '⊗', warning: '⚠', info: 'ⓘ' };

/** Counts of errors and warnings across the workspace, for the panel header and the status bar. */
export function countProblems(files: { diagnostics: readonly LangDiagnostic[] }[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const f of files) {
    for (const d of f.diagnostics) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
    }
  }
  return { errors, warnings };
}

/** Every diagnostic of the workspace, grouped by file; clicking one opens the file there. */
export function ProblemsPanel({ problems, onOpen, onClose }: ProblemsPanelProps) {
  const version = useSyncExternalStore(problems.subscribe, problems.getVersion, problems.getVersion);
  const files = useMemo(() => problems.all(), [problems, version]);
  const { errors, warnings } = countProblems(files);
  return (
    <section className="problems-panel" data-testid="problems-panel" aria-label="Problems">
      <header className="problems-header">
        <span className="problems-title">Problems</span>
        <span className="problems-summary">
          {errors} {errors === 1 ? 'error' : 'errors'}, {warnings} {warnings === 1 ? 'warning' : 'warnings'}
        </span>
        <span className="status-spacer" />
        <button className="problems-close" aria-label="Close Problems" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="problems-list" role="list">
        {files.length === 0 && <div className="problems-empty subtle">No problems have been detected in the workspace.</div>}
        {files.map((file) => {
          const slash = file.path.lastIndexOf('/');
          return (
            <div key={file.path} className="problems-file" role="listitem">
              <div className="problems-file-name">
                <FileIcon path={file.path} />
                <span>{file.path.slice(slash + 1)}</span>
                {slash > 0 && <span className="subtle">{file.path.slice(0, slash)}</span>}
                <span className="problems-file-count">{file.diagnostics.length}</span>
              </div>
              {file.diagnostics.map((d, i) => (
                <button
                  key={i}
                  className={'problem-item severity-' + d.severity}
                  data-testid="problem-item"
                  data-path={file.path}
                  data-line={d.line}
                  onClick={() => onOpen(file.path, d.from)}
                  title={d.message}
                >
                  <span className="problem-icon" aria-label={d.severity}>
                    {severityGlyph[d.severity]}
                  </span>
                  <span className="problem-message">{d.message.split('\n')[0]}</span>
                  <span className="problem-source">ts({d.code})</span>
                  <span className="problem-position">
                    [Ln {d.line}, Col {d.col}]
                  </span>
                </button>
              ))}
            </div>
          );
        })}
      </div>
    </section>
  );
}
