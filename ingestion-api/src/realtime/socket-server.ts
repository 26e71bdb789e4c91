import type http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { LOG_LEVELS, type ClientToServerEvents, type ServerToClientEvents } from '@logstream/shared-types';

/** The typed socket.io server of the API. */
export type SocketServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** Room of all live logs, and of one service's (the worker's emitter sends each batch to both). */
export const LIVE_ROOM_ALL = 'logs';
export const liveRoom = (service: string) => `logs:${service}`;

/**
 * socket.io on the API's HTTP server, with the Redis adapter so that events published by workers (through the Redis
 * emitter) and by other API instances reach every client. Clients choose live-tail services with `live:filter`.
 */
export function createSocketServer(options: {
  server: http.Server;
  pub: Redis;
  sub: Redis;
  channel: string;
  origins: string[];
  logger: Logger;
}): SocketServer {
  const io: SocketServer = new Server(options.server, {
    cors: { origin: options.origins },
    adapter: createAdapter(options.pub, options.sub, { key: options.channel }),
  });
  io.on('connection', (socket) => {
    void socket.join(LIVE_ROOM_ALL);
    socket.on('live:filter', (filter) => {
      const services = Array.isArray(filter?.services)
        ? filter.services.filter((s) => typeof s === 'string').slice(0, 50)
        : [];
      for (const room of socket.rooms) if (room.startsWith('logs')) void socket.leave(room);
      if (services.length === 0) void socket.join(LIVE_ROOM_ALL);
      else for (const service of services) void socket.join(liveRoom(service));
    });
  });
  options.logger.info({ levels: LOG_LEVELS.length, channel: options.channel }, 'socket.io ready');
  return io;
}
