/**
 * The service names an ingest body speaks for: each log's `service`, else the envelope's (`{ service, logs }`).
 * Items without a string service are left to validation, which refuses them.
 */
export function servicesOf(body: unknown): Set<string> {
  const services = new Set<string>();
  const add = (item: unknown, fallback: unknown) => {
    const own =
      item !== null && typeof item === 'object' ? (item as { service?: unknown }).service : undefined;
    const service = own ?? fallback;
    if (typeof service === 'string') services.add(service);
  };
  if (Array.isArray(body)) {
    for (const item of body) add(item, undefined);
  } else if (body !== null && typeof body === 'object' && 'logs' in body) {
    const { logs, service } = body as { logs: unknown; service?: unknown };
    if (Array.isArray(logs)) for (const item of logs) add(item, service);
    else add(undefined, service);
  } else {
    add(body, undefined);
  }
  return services;
}
