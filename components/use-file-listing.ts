'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { FileListing, WorkspaceApi } from './workspace-api';

/**
 * The workspace's file list, refetched on demand. Overlapping refreshes (a burst of tree:changed
 * events) collapse into at most one request in flight plus one queued.
 */
export function useFileListing(api: WorkspaceApi): { listing: FileListing | null; error: string | null; refresh: () => void } {
  const [listing, setListing] = useState<FileListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(false);
  const queued = useRef(false);

  const refresh = useCallback(() => {
    if (inFlight.current) {
      queued.current = true;
      return;
    }
    inFlight.current = true;
    api
      .list()
      .then((l) => {
        setListing(l);
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        inFlight.current = false;
        if (queued.current) {
          queued.current = false;
          refresh();
        }
      });
  }, [api]);

  useEffect(refresh, [refresh]);

  return { listing, error, refresh };
}
