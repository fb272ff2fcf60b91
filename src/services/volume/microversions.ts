// Cinder's microversions (cinder/api/openstack/api_version_request.py): 3.0 to Zed's 3.70, asked
// with `OpenStack-API-Version: volume X.Y` and echoed on every v3 answer.
import { ApiError, BadRequest } from '../../core/errors/errors.js';
import { atLeast, negotiate, type Microversion, type MicroversionSpec } from '../../core/microversion/microversion.js';

export const MIN_VERSION = '3.0';
export const MAX_VERSION = '3.70';

export const SPEC: MicroversionSpec = {
  service: 'volume',
  min: MIN_VERSION,
  max: MAX_VERSION,
  malformed: (asked) => new BadRequest(`API Version String ${asked} is of invalid format. Must be of format MajorNum.MinorNum.`),
  unsupported: (asked) => new ApiError(406, `Version ${asked} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`),
};

/** The versions where behaviour changes (cinder/api/microversions.py). */
export const MV = {
  /** Volume and snapshot lists accept `offset`... and generic filtering (3.4 image metadata filter). */
  imageMetadataFilter: '3.4',
  /** GET /messages. */
  messages: '3.3',
  /** volume-summary. */
  volumeSummary: '3.12',
  /** group_id in the volume view. */
  groupId: '3.13',
  /** provider_id in the volume view (admin). */
  providerId: '3.21',
  /** The attachments API. */
  attachments: '3.27',
  /** Generic filters with `~` (inexact) and resource_filters. */
  likeFilter: '3.34',
  /** Extending an attached volume. */
  extendAttached: '3.42',
  /** `with_count` on lists. */
  count: '3.45',
  /** shared_targets and service_uuid in the volume view. */
  sharedTargets: '3.48',
  /** Snapshot list and show carry the snapshot's user_id. */
  snapshotUserId: '3.41',
  /** volume_type_id in the volume view. */
  volumeTypeId: '3.63',
  /** consumes_quota in volume and snapshot views. */
  consumesQuota: '3.65',
  /** Snapshots of in-use volumes without force. */
  snapshotInUse: '3.66',
  /** The project id may be left out of the URL. */
  projectIdOptional: '3.67',
} as const;

export const requestedVersion = (headers: Record<string, string | string[] | undefined>): Microversion => negotiate(headers, SPEC);
export { atLeast };
export type { Microversion };
