'use client';

/**
 * Shown over the whole workspace once the server ended this session because its share link was
 * revoked. It blocks the page on purpose: nothing typed from here on could be saved.
 */
export function SessionRevokedNotice() {
  return (
    <div className="overlay overlay-center overlay-blocking">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="revoked-title" aria-describedby="revoked-body" data-testid="session-revoked">
        <h2 id="revoked-title">This link was revoked</h2>
        <div className="dialog-body" id="revoked-body">
          <p>
            Someone with edit access revoked the share link this page was opened with, so the workspace is closed to it. Changes
            the server acknowledged are saved; nothing more can be edited here.
          </p>
          <p className="subtle">Ask for a new link to keep working.</p>
        </div>
        <div className="dialog-actions">
          <a className="button primary" href="/">
            Back to Lookahead
          </a>
        </div>
      </div>
    </div>
  );
}
