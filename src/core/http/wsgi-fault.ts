// The fault body Nova and Cinder share (their api/openstack/wsgi.py Fault): {"<faultName>":
// {"code": N, "message": "..."}}, named by status, with oslo.policy's refusal in their words.

const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'badMethod',
  409: 'conflictingRequest', 413: 'overLimit', 415: 'badMediaType', 429: 'overLimit',
  501: 'notImplemented', 503: 'serviceUnavailable',
};

/** The fault's name for a status (Fault._fault_names; any other status is a computeFault). */
export const faultName = (status: number): string => FAULT_NAMES[status] ?? 'computeFault';

const POLICY_DENIED = /^You are not authorized to perform the requested action: (.+)\.$/;

/** A 403's message as Nova and Cinder word a policy refusal ("Policy doesn't allow X to be performed."). */
export function wsgiMessage(status: number, message: string): string {
  const denied = status === 403 ? POLICY_DENIED.exec(message) : null;
  return denied ? `Policy doesn't allow ${denied[1]} to be performed.` : message;
}
