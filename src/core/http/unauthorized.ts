/**
 * The 401 keystonemiddleware answers in front of every service but Keystone itself: its own
 * `{"error": {...}}` body whatever the service's error shape, and a `WWW-Authenticate` header
 * naming the identity endpoint.
 */
export function keystoneMiddleware401(authUrl: string): { status: number; headers: Record<string, string>; body: unknown } {
  return {
    status: 401,
    headers: { 'WWW-Authenticate': `Keystone uri="${authUrl}"` },
    body: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } },
  };
}
