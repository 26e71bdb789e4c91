'use client';
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@logstream/shared-types';

/** The typed socket of the ingestion API's socket.io server. */
export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
/** Connection state shown by badges. */
export type LiveStatus = 'connecting' | 'live' | 'unreachable';

const sockets = new Map<string, LiveSocket>();

/** Asks the dashboard's server for a short-lived live-feed token of the signed-in user (none when signed out). */
function fetchLiveToken(callback: (auth: { token?: string }) => void): void {
  fetch('/api/live-token', { cache: 'no-store', credentials: 'same-origin' })
    .then((response) =>
      response.ok ? (response.json() as Promise<{ token?: unknown }>) : { token: undefined },
    )
    .then((body) => callback(typeof body.token === 'string' ? { token: body.token } : {}))
    .catch(() => callback({}));
}

/**
 * One socket per API URL per browser tab, shared by every live widget on the page. Every (re)connection presents a
 * fresh token; after a refusal (signed out, token expired) it tries again every few seconds.
 */
export function liveSocket(url: string): LiveSocket {
  let socket = sockets.get(url);
  if (!socket) {
    const created: LiveSocket = io(url, {
      transports: ['websocket', 'polling'],
      reconnectionDelayMax: 5_000,
      timeout: 4_000,
      auth: fetchLiveToken,
    });
    created.on('connect_error', () => {
      // socket.io does not retry by itself after the server refused the handshake.
      if (!created.active) setTimeout(() => created.connect(), 5_000);
    });
    socket = created;
    sockets.set(url, socket);
  }
  return socket;
}

/** Subscribes to one server event for the component's lifetime; the latest handler is always used. */
export function useLiveEvent<E extends keyof ServerToClientEvents>(
  url: string,
  event: E,
  handler: ServerToClientEvents[E],
): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const socket = liveSocket(url);
    const listener = ((...args: unknown[]) => (ref.current as (...a: unknown[]) => void)(...args)) as never;
    socket.on(event, listener);
    return () => {
      socket.off(event, listener);
    };
  }, [url, event]);
}

/** The socket's connection state: `unreachable` after a failed attempt, `live` once connected. */
export function useLiveStatus(url: string): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  useEffect(() => {
    const socket = liveSocket(url);
    const onConnect = () => setStatus('live');
    const onDown = () => setStatus('unreachable');
    if (socket.connected) setStatus('live');
    socket.on('connect', onConnect);
    socket.on('connect_error', onDown);
    socket.on('disconnect', onDown);
    return () => {
      socket.off('connect', onConnect);
      socket.off('connect_error', onDown);
      socket.off('disconnect', onDown);
    };
  }, [url]);
  return status;
}
