'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Role } from '../lib/protocol';
import { ConfirmDialog } from './ConfirmDialog';
import type { ShareLinkInfo, WorkspaceApi } from './workspace-api';

interface ShareDialogProps {
  api: WorkspaceApi;
  /** The link this page was opened with: revoking it ends this session too. */
  currentLinkId: string;
  onClose: () => void;
}

const roleText: Record<Role, string> = { edit: 'Can edit', view: 'View only' };

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function formatCreated(createdAt: number): string {
  return new Date(createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * Share links of the workspace (edit role only): create an edit or view link, copy its URL (shown
 * this once: the server keeps only a hash of each token), and revoke any link after confirming.
 */
export function ShareDialog({ api, currentLinkId, onClose }: ShareDialogProps) {
  const [links, setLinks] = useState<ShareLinkInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ link: ShareLinkInfo; url: string } | null>(null);
  const [copyState, setCopyState] = useState<'copied' | 'selected' | null>(null);
  const [revoking, setRevoking] = useState<ShareLinkInfo | null>(null);
  const urlRef = useRef<HTMLInputElement>(null);

  const refresh = useCallback(async () => {
    try {
      setLinks(await api.listLinks());
    } catch (e) {
      setError(errorText(e));
    }
  }, [api]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  // Escape closes the dialog wherever focus is (after the confirm step it is on the page body).
  useEffect(() => {
    if (revoking) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [revoking, onClose]);

  const create = async (role: Role) => {
    setBusy(true);
    setError(null);
    setCopyState(null);
    try {
      setCreated(await api.createLink(role));
      await refresh();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      // The Clipboard API exists only in secure contexts (https, localhost) and may be refused.
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(created.url);
      setCopyState('copied');
    } catch {
      urlRef.current?.focus();
      urlRef.current?.select();
      setCopyState('selected');
    }
  };

  const revoke = async (link: ShareLinkInfo) => {
    await api.revokeLink(link.id);
    if (created?.link.id === link.id) setCreated(null);
    await refresh();
  };

  return (
    <>
      <div className="overlay overlay-center" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
        <div className="dialog share-dialog" role="dialog" aria-modal="true" aria-labelledby="share-title" data-testid="share-dialog">
          <h2 id="share-title">Share workspace</h2>
          <div className="dialog-body">
            <p className="subtle">Anyone with a link opens this workspace. Edit links can change files and manage links; view links only read.</p>
            <div className="share-create">
              <button type="button" className="button primary" disabled={busy} onClick={() => create('edit')} data-testid="share-create-edit" autoFocus>
                Create edit link
              </button>
              <button type="button" className="button" disabled={busy} onClick={() => create('view')} data-testid="share-create-view">
                Create view link
              </button>
            </div>
            {created && (
              <div className="share-new" data-link-id={created.link.id}>
                <label htmlFor="share-new-url">New {created.link.role === 'edit' ? 'edit' : 'view'} link — copy it now, it is shown only once</label>
                <div className="share-new-row">
                  <input
                    id="share-new-url"
                    ref={urlRef}
                    className="share-url mono"
                    readOnly
                    value={created.url}
                    onFocus={(e) => e.currentTarget.select()}
                    data-testid="share-new-url"
                  />
                  <button type="button" className="button" onClick={copy} data-testid="share-copy">
                    {copyState === 'copied' ? 'Copied' : 'Copy'}
                  </button>
                </div>
                {copyState === 'selected' && <p className="subtle">The browser did not allow copying: the link is selected, press Ctrl+C (⌘C).</p>}
              </div>
            )}
            <h3 className="share-heading">Links</h3>
            {links === null && !error && <p className="subtle">Loading…</p>}
            {links && (
              <ul className="share-links">
                {links.map((link) => (
                  <li key={link.id} className="share-link" data-testid="share-link-row" data-link-id={link.id} data-role={link.role}>
                    <span className={'share-role share-role-' + link.role}>{roleText[link.role]}</span>
                    <span className="share-created" title={new Date(link.createdAt).toISOString()}>
                      Created {formatCreated(link.createdAt)}
                    </span>
                    {link.id === currentLinkId && <span className="share-tag">this page</span>}
                    {link.id === created?.link.id && <span className="share-tag share-tag-new">new</span>}
                    <button type="button" className="button small share-revoke" onClick={() => setRevoking(link)} data-testid="share-revoke">
                      Revoke
                    </button>
                  </li>
                ))}
                {links.length === 0 && <li className="share-link subtle">No links: nobody else can open this workspace.</li>}
              </ul>
            )}
            <p className="subtle share-note">
              Links made earlier cannot be shown again: only a fingerprint of each is stored. To give someone access, create a new one.
            </p>
            {error && (
              <p className="error-text" role="alert">
                {error}
              </p>
            )}
          </div>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      </div>
      {revoking && (
        <ConfirmDialog
          title={`Revoke this ${revoking.role} link?`}
          confirmLabel="Revoke"
          onConfirm={() => revoke(revoking)}
          onClose={() => setRevoking(null)}
        >
          <p>It stops working at once, and everyone who opened the workspace with it is disconnected.</p>
          {revoking.id === currentLinkId && <p>This page was opened with this link: it loses access too.</p>}
        </ConfirmDialog>
      )}
    </>
  );
}
