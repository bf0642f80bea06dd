'use client';

import { useEffect, useState } from 'react';
import type { WorkspaceApi, WorkspaceInfo } from './workspace-api';

/** The workspace's id and the role this browser's session has in it. */
export function useWorkspaceInfo(api: WorkspaceApi): { info: WorkspaceInfo | null; error: string | null } {
  const [info, setInfo] = useState<WorkspaceInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api.info().then(
      (i) => !cancelled && setInfo(i),
      (e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [api]);
  return { info, error };
}
