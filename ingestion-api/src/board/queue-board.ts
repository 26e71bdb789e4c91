import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router } from 'express';
import helmet from 'helmet';

/** Where the board is mounted. */
export const BOARD_PATH = '/admin/queues';

/**
 * The BullMQ board (bull-board) for the ingest queue and the dead-letter queue: jobs with their data, attempts and
 * errors, and a retry button. The caller puts the admin guard in front of it. The board's page loads its scripts, styles
 * and fonts from its own static path and inlines some styles, so it gets a content security policy of its own.
 */
export function queueBoard(options: { ingest: Queue; deadLetter: Queue }): Router {
  const serverAdapter = new ExpressAdapter().setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [
      new BullMQAdapter(options.ingest, { description: 'One job per accepted POST /ingest request' }),
      new BullMQAdapter(options.deadLetter, {
        description:
          'Ingest jobs that failed their last attempt (retry the failed ingest job, or POST /dead-letters/:id/retry)',
      }),
    ],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'LogStream queues', hideDocsLink: true } },
  });
  const router = Router();
  router.use(
    helmet.contentSecurityPolicy({
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
      },
    }),
  );
  router.use(serverAdapter.getRouter() as Router);
  return router;
}
