import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import { AppError } from '../errors';
import { BOARD_THEME_SCRIPT, boardThemeScript, rewriteBoardPage } from './board-page';

/** Where the board is mounted. */
export const BOARD_PATH = '/admin/queues';

/**
 * Browsers send basic-auth credentials with cross-site requests too, so a page elsewhere could make a logged-in
 * operator's browser retry or clean jobs. The board's own page sends same-origin requests: refuse the others when the
 * browser says where they come from (`Sec-Fetch-Site`, else `Origin`). Tools without those headers are unaffected.
 */
export const sameOriginWrites: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const crossSite =
    site !== undefined
      ? site !== 'same-origin' && site !== 'none'
      : origin !== undefined && new URL(origin).host !== req.get('host');
  if (crossSite)
    throw new AppError('forbidden', 'board actions must come from the board itself (same origin)');
  next();
};

/**
 * The BullMQ board (bull-board) for the ingest queues and the dead-letter queue: jobs with their data, attempts and
 * errors, and a retry button. The caller puts the admin guard in front of it. The board's page loads its scripts, styles
 * and fonts from its own static path and inlines some styles, so it gets a content security policy of its own; its
 * HTML is rewritten so it fetches no third-party font and opens in the dashboard's theme (board-page.ts).
 */
export function queueBoard(options: { ingest: Queue[]; deadLetter: Queue }): Router {
  const serverAdapter = new ExpressAdapter().setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [
      ...options.ingest.map(
        (queue) =>
          new BullMQAdapter(queue, {
            description:
              options.ingest.length === 1
                ? 'One job per accepted POST /ingest request'
                : 'One job per accepted POST /ingest request, for the streams that map to this queue',
          }),
      ),
      new BullMQAdapter(options.deadLetter, {
        description:
          'Ingest jobs that failed their last attempt (retry the failed ingest job, or POST /dead-letters/:id/retry)',
      }),
    ],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'LogStream queues', hideDocsLink: true } },
  });
  const router = Router();
  router.use(sameOriginWrites);
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
  router.get(`/${BOARD_THEME_SCRIPT}`, (_req, res) => {
    res.type('application/javascript').set('cache-control', 'no-cache').send(boardThemeScript);
  });
  router.use(rewriteBoardPage(`${BOARD_PATH}/${BOARD_THEME_SCRIPT}`));
  router.use(serverAdapter.getRouter() as Router);
  return router;
}
