/**
 * Collaborators in the editor: their cursors (with a name label) and selections, in the colours
 * the server gave them, and this editor's own selection sent to them.
 *
 * - Positions travel as Yjs relative positions, so a peer's cursor stays on the same character
 *   while anyone edits; they are resolved against this editor's copy of the document.
 * - The local selection is sent at most every PRESENCE_SEND_INTERVAL_MS, only when it changed, and
 *   only while the document is live on a connected socket. It is sent again whenever the document
 *   becomes live (after a reconnect) and when a collaborator appears, so newcomers see everyone.
 * - Selections are marks on the text; cursors are drawn in a layer over the text (as CodeMirror
 *   draws its own cursor), so they never become part of the editor's content or its text.
 * - Only server-assigned palette colours are drawn, and names are shown through CSS generated
 *   content from an attribute (never markup).
 */
import { EditorSelection, StateEffect, type Extension, type Range } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  layer,
  RectangleMarker,
  ViewPlugin,
  type DecorationSet,
  type LayerMarker,
  type ViewUpdate,
} from '@codemirror/view';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { PRESENCE_SEND_INTERVAL_MS } from '../../lib/limits';
import { isPresenceColour, type PresenceColour } from '../../lib/presence-colours';
import type { PeerPresence } from '../../lib/protocol';
import type { DocSync } from './doc-sync';

interface Peer {
  name: string;
  colour: PresenceColour;
  anchor: Y.RelativePosition | null;
  head: Y.RelativePosition | null;
}

/** Names are the server's ("Editor 3"); the bound only protects the layout. */
const MAX_NAME_LENGTH = 40;

const peersChanged = StateEffect.define<null>();

/** A peer's cursor where the document has it now. */
interface PeerCursor {
  head: number;
  name: string;
  colour: PresenceColour;
}

/** A peer's cursor in the cursor layer: a bar in its colour with its name above it. */
class PeerCursorMarker implements LayerMarker {
  constructor(
    /** Where the bar goes (left, top, height), as CodeMirror measures a cursor. */
    readonly at: RectangleMarker,
    readonly name: string,
    readonly colour: PresenceColour,
    /** On the first line the label goes below the cursor, where it is not cut off. */
    readonly labelBelow: boolean,
  ) {}

  eq(other: LayerMarker): boolean {
    return (
      other instanceof PeerCursorMarker &&
      other.at.left === this.at.left &&
      other.at.top === this.at.top &&
      other.at.height === this.at.height &&
      other.name === this.name &&
      other.colour === this.colour &&
      other.labelBelow === this.labelBelow
    );
  }

  draw(): HTMLElement {
    const cursor = document.createElement('div');
    cursor.className = 'cm-peer-cursor' + (this.labelBelow ? ' cm-peer-label-below' : '');
    cursor.style.left = `${this.at.left}px`;
    cursor.style.top = `${this.at.top}px`;
    cursor.style.height = `${this.at.height}px`;
    cursor.style.setProperty('--peer-colour', this.colour);
    cursor.setAttribute('data-testid', 'peer-cursor');
    cursor.setAttribute('data-colour', this.colour);
    cursor.setAttribute('data-name', this.name);
    return cursor;
  }
}

const hasPeersChanged = (update: ViewUpdate) => update.transactions.some((tr) => tr.effects.some((e) => e.is(peersChanged)));

/**
 * A peer's position, if it is one into `text`: the bytes come from another client through the
 * server, which only bounds their size. A position naming another root type is refused (resolving
 * it would create that type in the local document), as is one naming a nested type.
 */
function decodePosition(bytes: unknown, text: Y.Text): Y.RelativePosition | null {
  if (!(bytes instanceof Uint8Array || bytes instanceof ArrayBuffer)) return null;
  let position: Y.RelativePosition;
  try {
    position = Y.decodeRelativePosition(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  } catch {
    return null;
  }
  if (position.type !== null) return null;
  if (position.item === null && (position.tname === null || (text.doc?.share.get(position.tname) as unknown) !== text)) return null;
  return position;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
}

export function presence(socket: Socket, sync: DocSync): Extension {
  const plugin = ViewPlugin.fromClass(
    class {
      /** The peers' selections, as marks. */
      decorations: DecorationSet = Decoration.none;
      cursors: PeerCursor[] = [];
      private peers = new Map<string, Peer>();
      private timer: ReturnType<typeof setTimeout> | null = null;
      private lastSent: { anchor: Uint8Array; head: Uint8Array } | null = null;
      private lastSentAt = 0;
      private wasLive = false;
      private readonly unsubscribe: () => void;

      constructor(private readonly view: EditorView) {
        socket.on('presence', this.onPresence);
        socket.on('presence:leave', this.onLeave);
        socket.on('disconnect', this.onDisconnect);
        this.unsubscribe = sync.subscribe((status) => {
          const live = status.phase === 'live' && status.kind === 'text';
          if (live && !this.wasLive) this.announce();
          this.wasLive = live;
        });
      }

      update(update: ViewUpdate): void {
        if (update.selectionSet) this.schedule();
        if (update.docChanged || hasPeersChanged(update)) {
          // Local edits reach the Y.Text in yCollab's own update, just before this one; should the
          // two ever disagree, keep the old positions mapped through the change instead.
          if (sync.text.length === update.state.doc.length) this.build();
          else {
            this.decorations = this.decorations.map(update.changes);
            for (const cursor of this.cursors) cursor.head = update.changes.mapPos(cursor.head);
          }
        }
      }

      destroy(): void {
        socket.off('presence', this.onPresence);
        socket.off('presence:leave', this.onLeave);
        socket.off('disconnect', this.onDisconnect);
        this.unsubscribe();
        if (this.timer) clearTimeout(this.timer);
      }

      /** Sends the selection even if it did not change (it may not have reached anyone). */
      private announce(): void {
        this.lastSent = null;
        this.schedule();
      }

      private schedule(): void {
        if (this.timer) return;
        const wait = Math.max(0, this.lastSentAt + PRESENCE_SEND_INTERVAL_MS - Date.now());
        this.timer = setTimeout(this.send, wait);
      }

      private send = (): void => {
        this.timer = null;
        const status = sync.getStatus();
        if (!socket.connected || status.phase !== 'live' || status.kind !== 'text') return;
        const { anchor, head } = this.view.state.selection.main;
        const encode = (index: number) =>
          Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(sync.text, Math.min(index, sync.text.length)));
        const next = { anchor: encode(anchor), head: encode(head) };
        if (this.lastSent && sameBytes(this.lastSent.anchor, next.anchor) && sameBytes(this.lastSent.head, next.head)) return;
        socket.emit('presence:update', { path: sync.path, ...next });
        this.lastSent = next;
        this.lastSentAt = Date.now();
      };

      private onPresence = (msg: PeerPresence): void => {
        if (msg?.path !== sync.path || typeof msg.id !== 'string' || typeof msg.name !== 'string' || !isPresenceColour(msg.colour)) return;
        const isNew = !this.peers.has(msg.id);
        this.peers.set(msg.id, {
          name: msg.name.slice(0, MAX_NAME_LENGTH),
          colour: msg.colour,
          anchor: decodePosition(msg.anchor, sync.text),
          head: decodePosition(msg.head, sync.text),
        });
        this.changed();
        // A collaborator who just arrived has not seen where this editor is.
        if (isNew) this.announce();
      };

      private onLeave = (msg: { id: string; path: string }): void => {
        if (msg?.path !== sync.path || !this.peers.delete(msg.id)) return;
        this.changed();
      };

      private onDisconnect = (): void => {
        // Peers cannot be followed while offline; they announce themselves again after a reconnect.
        if (this.peers.size === 0) return;
        this.peers.clear();
        this.changed();
      };

      private changed(): void {
        this.view.dispatch({ effects: peersChanged.of(null) });
      }

      private build(): void {
        const length = this.view.state.doc.length;
        const resolve = (position: Y.RelativePosition | null): number | null => {
          if (!position) return null;
          let absolute: Y.AbsolutePosition | null;
          try {
            absolute = Y.createAbsolutePositionFromRelativePosition(position, sync.doc);
          } catch {
            return null; // An item id this document cannot follow: the peer is not drawn.
          }
          return absolute && absolute.type === sync.text ? Math.min(absolute.index, length) : null;
        };
        const selections: Range<Decoration>[] = [];
        this.cursors = [];
        for (const peer of this.peers.values()) {
          const head = resolve(peer.head);
          if (head === null) continue;
          const anchor = resolve(peer.anchor) ?? head;
          if (anchor !== head) {
            const selection = Decoration.mark({ class: 'cm-peer-selection', attributes: { style: `background-color: ${peer.colour}40` } });
            selections.push(selection.range(Math.min(anchor, head), Math.max(anchor, head)));
          }
          this.cursors.push({ head, name: peer.name, colour: peer.colour });
        }
        this.decorations = Decoration.set(selections, true);
      }
    },
    { decorations: (v) => v.decorations },
  );

  const cursorLayer = layer({
    above: true,
    class: 'cm-peer-cursors',
    update: (update) => update.docChanged || update.geometryChanged || update.viewportChanged || hasPeersChanged(update),
    markers: (view) =>
      (view.plugin(plugin)?.cursors ?? []).flatMap(({ head, name, colour }) => {
        const labelBelow = view.state.doc.lineAt(head).number === 1;
        return RectangleMarker.forRange(view, 'cm-peer-cursor', EditorSelection.cursor(head)).map(
          (at) => new PeerCursorMarker(at, name, colour, labelBelow),
        );
      }),
  });
  return [plugin, cursorLayer, presenceTheme];
}

const presenceTheme = EditorView.baseTheme({
  '.cm-peer-cursor': {
    position: 'absolute',
    borderLeft: '2px solid var(--peer-colour)',
    marginLeft: '-1px',
    pointerEvents: 'none',
  },
  '.cm-peer-cursor::after': {
    content: 'attr(data-name)',
    backgroundColor: 'var(--peer-colour)',
    position: 'absolute',
    left: '-2px',
    bottom: '100%',
    padding: '0 4px',
    borderRadius: '3px 3px 3px 0',
    color: '#1e2227',
    fontFamily: 'var(--font-ui)',
    fontSize: '10px',
    fontWeight: '600',
    lineHeight: '14px',
    whiteSpace: 'nowrap',
    userSelect: 'none',
    zIndex: '10',
  },
  '.cm-peer-label-below::after': { bottom: 'auto', top: '100%', borderRadius: '0 3px 3px 3px' },
});
