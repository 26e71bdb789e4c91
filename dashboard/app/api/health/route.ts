/** `GET /api/health`: the dashboard process answers (no data, no session needed). */
export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}
