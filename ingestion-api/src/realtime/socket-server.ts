import type http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { RedisClient } from '@logstream/runtime';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import {
  LIVE_ROOM_ALL,
  liveRoom,
  LOG_LEVELS,
  OPS_ROOM,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@logstream/shared-types';
import type { SocketData } from './socket-auth';

/** The typed socket.io server of the API. */
export type SocketServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/**
 * socket.io on the API's HTTP server, with the Redis adapter so that events published by workers (through the Redis
 * emitter) and by other API instances reach every client. `authenticate` runs on every handshake (see socketAuth).
 * Clients choose live-tail services with `live:filter`; a service key's socket only ever joins its own service's room.
 */
export function createSocketServer(options: {
  server: http.Server;
  pub: RedisClient;
  sub: RedisClient;
  channel: string;
  origins: string[];
  logger: Logger;
  authenticate: Parameters<SocketServer['use']>[0];
}): SocketServer {
  const io: SocketServer = new Server(options.server, {
    cors: { origin: options.origins },
    adapter: createAdapter(options.pub, options.sub, { key: options.channel }),
  });
  io.use(options.authenticate);
  io.on('connection', (socket) => {
    const principal = socket.data.principal;
    const own = principal.kind === 'service' ? principal.key.service : undefined;
    if (own) void socket.join(liveRoom(own));
    else void socket.join([LIVE_ROOM_ALL, OPS_ROOM]);
    socket.on('live:filter', (filter) => {
      const asked = Array.isArray(filter?.services)
        ? filter.services.filter((s) => typeof s === 'string').slice(0, 50)
        : [];
      for (const room of socket.rooms) if (room.startsWith('logs')) void socket.leave(room);
      if (own) void socket.join(liveRoom(own));
      else if (asked.length === 0) void socket.join(LIVE_ROOM_ALL);
      else for (const service of asked) void socket.join(liveRoom(service));
    });
  });
  options.logger.info({ levels: LOG_LEVELS.length, channel: options.channel }, 'socket.io ready');
  return io;
}
