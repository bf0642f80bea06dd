'use client';

import { useState } from 'react';

/** Creates a workspace and follows its edit link, which signs this browser in and opens the IDE. */
export function NewWorkspaceButton() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/workspaces', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const body = (await res.json().catch(() => null)) as { editUrl?: string; error?: { message?: string } } | null;
      if (res.status !== 201 || !body?.editUrl) {
        throw new Error(body?.error?.message ?? `The server answered ${res.status} ${res.statusText}.`);
      }
      location.href = body.editUrl;
    } catch (e) {
      setError(e instanceof TypeError ? 'The server could not be reached.' : e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <div className="new-workspace">
      <button type="button" className="button primary large" data-testid="new-workspace" onClick={create} disabled={busy}>
        {busy ? 'Creating…' : 'New workspace'}
      </button>
      {error && (
        <p className="error-text" role="alert" data-testid="new-workspace-error">
          Could not create a workspace: {error}
        </p>
      )}
    </div>
  );
}
