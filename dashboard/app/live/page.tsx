import { LiveTail } from '@/components/live-tail';
import { config } from '@/lib/config';
import { knownServices } from '@/lib/rollups';
import { requireUser } from '@/lib/session';

export const metadata = { title: 'Live' };

/** `/live`: logs as they arrive, over socket.io. */
export default async function LivePage() {
  await requireUser();
  const services = await knownServices();
  return (
    <>
      <header className="page-head">
        <div>
          <h1>Live tail</h1>
          <p>Logs as the API accepts them (throttled by the server) · newest on top</p>
        </div>
      </header>
      <LiveTail apiUrl={config().publicApiUrl} services={services} />
    </>
  );
}
