import { describe, expect, it } from '@jest/globals';
import http from 'node:http';
import pino from 'pino';
import request from 'supertest';
import { createApp } from './app';

const app = createApp({
  routes: [
    {
      method: 'post',
      path: '/echo',
      access: 'public',
      json: true,
      handler: async ({ body }) => ({ status: 200, body: { got: body } }),
    },
  ],
  logger: pino({ level: 'silent' }),
  development: false,
  // Access control is accessGuard's and has its own tests; this suite is about body parsing.
  guard: () => (_req, _res, next) => next(),
});

describe('JSON routes', () => {
  it('answers 400 with a plain message for an empty body sent as application/json', async () => {
    const res = await request(app).post('/echo').set('content-type', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
    expect(res.body.error.message).toBe('the request body is empty: send a JSON document');
  });

  it('still answers 415 for a body of another type', async () => {
    const res = await request(app).post('/echo').set('content-type', 'text/plain').send('hello');
    expect(res.status).toBe(415);
    expect(res.body.error.message).toContain('got text/plain');
  });

  it('passes a JSON body through', async () => {
    const res = await request(app).post('/echo').send({ a: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ got: { a: 1 } });
  });
});

describe('a request with no body at all', () => {
  it('answers 400, not 415, when it says application/json', async () => {
    // No Content-Length and no Transfer-Encoding: what `curl -X POST -H 'content-type: application/json'` sends.
    const server = http.createServer(app).listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          { port, path: '/echo', method: 'POST', headers: { 'content-type': 'application/json' } },
          (r) => {
            let body = '';
            r.on('data', (c: Buffer) => (body += c.toString()));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error.message).toBe('the request body is empty: send a JSON document');
    } finally {
      server.close();
    }
  });
});
