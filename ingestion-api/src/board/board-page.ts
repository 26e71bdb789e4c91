import type { RequestHandler } from 'express';

/** Path (under the board) of the script that applies the theme before the board's own code reads its settings. */
export const BOARD_THEME_SCRIPT = 'logstream-theme.js';

/**
 * Runs in the board's page before bull-board starts: `?theme=dark|light` (the dashboard's link passes its theme) is
 * written into bull-board's persisted settings (`board-settings` in localStorage), so the board opens in the
 * dashboard's theme; without the parameter the board keeps the theme it had.
 */
export const boardThemeScript = `(function () {
  try {
    var theme = new URLSearchParams(location.search).get('theme');
    if (theme !== 'dark' && theme !== 'light') return;
    var saved = JSON.parse(localStorage.getItem('board-settings') || '{"state":{},"version":2}');
    saved.state = Object.assign({}, saved.state, { theme: theme });
    localStorage.setItem('board-settings', JSON.stringify(saved));
  } catch (e) {}
})();
`;

/**
 * Rewrites the board's HTML page on its way out: the stylesheet link to a third-party font service is dropped (the
 * page's content policy would block it anyway, with a console error; the board falls back to system fonts) and the
 * theme script (at the absolute `scriptPath`: it runs before the page's `<base>`) is loaded first. Other responses
 * pass untouched.
 */
export const rewriteBoardPage =
  (scriptPath: string): RequestHandler =>
  (_req, res, next) => {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      if (typeof body === 'string' && body.includes('id="__UI_CONFIG__"')) {
        body = body
          .replace(/<link[^>]+href="https:\/\/fonts\.(googleapis|gstatic)\.com[^"]*"[^>]*>\s*/g, '')
          .replace('<head>', `<head>\n    <script src="${scriptPath}"></script>`);
      }
      return send(body);
    };
    next();
  };
