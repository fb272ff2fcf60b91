// Nova's messages for the errors its domain and routes raise, as typed errors from core
// (nova/exception.py and the API's own wording); faults.ts renders them.
import { type ApiError, BadRequest, Conflict, Forbidden, NotFound } from '../../../core/errors/errors.js';
import { NovaFault } from '../faults.js';

// ---- 404 ------------------------------------------------------------------------------------------

/** Nova's (webob's) bare 404: a route or microversion that does not exist. */
export const resourceNotFound = () => new NotFound('The resource could not be found.');
export const instanceNotFound = (id: string) => new NotFound(`Instance ${id} could not be found.`);
export const flavorNotFound = (id: string) => new NotFound(`Flavor ${id} could not be found.`);
export const flavorExtraSpecNotFound = (id: string, key: string) => new NotFound(`Flavor ${id} has no extra specs with key ${key}.`);
export const flavorAccessNotFound = (id: string, projectId: string) => new NotFound(`Flavor access not found for ${id} / ${projectId} combination.`);
export const publicFlavorAccessList = () => new NotFound('Access list not available for public flavors.');
export const keypairNotFound = (name: string, userId: string) => new NotFound(`Keypair ${name} not found for user ${userId}`);
export const aggregateNotFound = (id: string | number) => new NotFound(`Aggregate ${id} could not be found.`);
export const aggregateHostNotFound = (id: number, host: string) => new NotFound(`Aggregate ${id} has no host ${host}.`);
export const computeHostNotFound = (host: string) => new NotFound(`Compute host ${host} could not be found.`);
export const hostNotMapped = (host: string) => new NotFound(`Host '${host}' is not mapped to any cell`);
export const serviceNotFound = (id: string) => new NotFound(`Service ${id} not found.`);
export const serviceOnHostNotFound = (binary: string, host: string) => new NotFound(`Service ${binary} on host ${host} not found.`);
export const hypervisorNotFound = (id: string) => new NotFound(`Hypervisor with ID '${id}' could not be found.`);
export const noHypervisorMatching = (pattern: string | undefined) => new NotFound(`No hypervisor matching '${pattern}' could be found.`);
export const serverGroupNotFound = (id: string) => new NotFound(`Instance group ${id} could not be found.`);
export const instanceActionNotFound = (requestId: string) => new NotFound(`Action ${requestId} not found`);
export const tagNotFound = (tag: string) => new NotFound(`Tag ${tag} could not be found.`);
export const metadataItemNotFound = () => new NotFound('Metadata item was not found');
export const imageNotFound = () => new NotFound('Image not found.');
export const imageMetadataKeyNotFound = () => new NotFound('Invalid metadata key');
export const securityGroupNotAssociated = (name: string, serverId: string) =>
  new NotFound(`Security group ${name} not associated with the instance ${serverId}`);
export const securityGroupNotFoundForProject = (name: string, projectId: string | undefined) =>
  new NotFound(`Security group ${name} is not found for project ${projectId}`);
export const instancePortsNotFound = (serverId: string) => new NotFound(`instance_id ${serverId} could not be found as device id on any ports`);
export const interfaceNotAttached = (serverId: string) => new NotFound(`Instance ${serverId} is not attached.`);
export const portNotAttached = (portId: string) => new NotFound(`Port ${portId} is not attached`);
export const instanceNotOnNetwork = () => new NotFound('Instance is not a member of specified network');
export const networkNotFound = () => new NotFound('Network not found');
export const floatingIpNotFound = (id: string) => new NotFound(`Floating IP not found for ID ${id}`);
/** A floating IP looked up by address. */
export const floatingIpAddressNotFound = () => new NotFound('floating IP not found');
export const floatingIpPoolNotFound = () => new NotFound('Floating IP pool not found.');
export const noMoreFloatingIps = (pool?: string) => new NotFound(pool ? `No more floating IPs in pool ${pool}.` : 'No more floating IPs available.');
/** A server action the route knows no handler for (404; the body-dispatched ones are the 400 below). */
export const unknownServerAction = (name: string) => new NotFound(`There is no such action: ${name}`);
export const unknownAction = () => new NotFound('Unknown action');

/** Nova-network's proxies, gone for good (410). */
export const novaNetworkRemoved = (): ApiError => new NovaFault(410, 'This API only works with *nova-network*, which was removed.');

// ---- 400 ------------------------------------------------------------------------------------------

// Lookups in a request body that find nothing: Nova answers 400 (the request is wrong), not 404.
export const requestedImageNotFound = () => new BadRequest('Can not find requested image');
export const rebuildImageNotFound = () => new BadRequest('Cannot find image for rebuild');
export const rescueImageNotFound = () => new BadRequest('Rescue image could not be found');
export const resizeFlavorNotFound = () => new BadRequest('Unable to find flavor.');
export const securityGroupNameNotFound = (name: string) => new BadRequest(`Security group ${name} not found.`);
export const invalidProject = (projectId: string) => new BadRequest(`Project ID ${projectId} is not a valid project.`);

/** A list's marker that names nothing the caller may list. */
export const markerNotFound = (marker: string) => new BadRequest(`marker [${marker}] not found`);
/** The same, in the wording of migrations and instance actions. */
export const markerCouldNotBeFound = (marker: string) => new BadRequest(`Marker ${marker} could not be found.`);
export const invalidLimit = (limit: string) => new BadRequest(`Invalid input for query parameters limit. Value: ${limit}.`);
export const notADateTime = (field: string, value: string) =>
  new BadRequest(`Invalid input for query parameters ${field}. Value: ${value}. '${value}' is not a 'date-time'`);
export const changesSinceAfterBefore = () => new BadRequest('The value of changes-since must be less than or equal to changes-before.');
export const bodyUriMismatch = () => new BadRequest('Request body and URI mismatch');
export const noSuchAction = (name: string) => new BadRequest(`There is no such action: ${name}`);
export const invalidUuid = (id: string) => new BadRequest(`Invalid uuid ${id}`);
export const availabilityZoneNotAvailable = () => new BadRequest('The requested availability zone is not available');
export const securityGroupNameEmpty = () => new BadRequest('Security group name cannot be empty');
export const securityGroupIdNotUuid = () => new BadRequest('Security group id should be uuid');
export const invalidFlavorRef = () => new BadRequest('Invalid flavorRef provided.');
export const invalidImageRef = () => new BadRequest('Invalid imageRef provided.');
export const invalidKeyName = () => new BadRequest('Invalid key_name provided.');
export const imageNotActive = (id: string) => new BadRequest(`Image ${id} is not active.`);
export const flavorMemoryTooSmall = () => new BadRequest("Flavor's memory is too small for requested image.");
export const flavorDiskTooSmall = () => new BadRequest("Flavor's disk is too small for requested image.");
export const flavorDiskTooSmallForImageSize = (flavorBytes: number, imageBytes: number) =>
  new BadRequest(`Flavor's disk is too small for requested image. Flavor disk is ${flavorBytes} bytes, image is ${imageBytes} bytes.`);
/** "Block Device Mapping is Invalid: <reason>" */
export const invalidBdm = (reason: string) => new BadRequest(`Block Device Mapping is Invalid: ${reason}`);
export const invalidBootSequence = () =>
  invalidBdm('Boot sequence for the instance and image/block device mapping combination is not valid.');
export const invalidServerGroup = (id: string) => new BadRequest(`Invalid server group ${id}`);
export const disabledReasonWithEnabled = () => new BadRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.");
export const aggregateNotEmpty = (id: number) => new BadRequest(`Cannot delete aggregate ${id}. Reason: Host aggregate is not empty.`);
/** `zones` already quoted ('az1'). */
export const hostsInOtherZones = (action: string, id: number, zones: string[]) =>
  new BadRequest(`Cannot ${action} ${id}. Reason: One or more hosts already in availability zone(s) [${zones.join(', ')}].`);
export const invalidSecurityGroupPortRange = (from: number, to: number, reason: string) =>
  new BadRequest(`Invalid port range ${from}:${to}. ${reason}`);

export const reservedAvailabilityZone = (az: string) =>
  new BadRequest(`Aggregate action failed: the availability zone '${az}' is reserved for internal services.`);
export const serviceHostingInstances = () =>
  new BadRequest('Unable to delete compute service that is hosting instances. Migrate or delete the instances first.');
export const tooManyTags = (serverId: string) => new BadRequest(`Instance ${serverId} has too many tags: 50`);
export const securityGroupRuleExists = (groupId: string) => new BadRequest(`This rule already exists in group ${groupId}`);
export const networkAutoAllocationFailed = (projectId: string) => new BadRequest(`Unable to automatically allocate a network for project ${projectId}`);
export const noFixedIpv4ToAssociate = (address: string, serverId: string) =>
  new BadRequest(`Unable to associate floating IP ${address} to any fixed IPs for instance ${serverId}. Instance has no fixed IPv4 addresses to associate.`);
export const floatingIpAssociationFailed = (address: string, fixedAddress: string, serverId: string, reason: string) =>
  new BadRequest(`Unable to associate floating IP ${address} to fixed IP ${fixedAddress} for instance ${serverId}. Error: ${reason}`);
export const quotaLimitBelowUsage = (limit: number, resource: string, minimum: number) =>
  new BadRequest(`Quota limit ${limit} for ${resource} must be greater than or equal to already used and reserved ${minimum}.`);
export const quotaLimitAboveMaximum = (limit: number, resource: string, max: number) =>
  new BadRequest(`Quota limit ${limit} for ${resource} must be less than or equal to ${max}.`);

// ---- 403 ------------------------------------------------------------------------------------------

/** Nova's QuotaError: "Quota exceeded for <over>: Requested N, but already used U of L <resource>". */
export const quotaExceeded = (over: string, requested: number, used: number, limit: number, resource: string) =>
  new Forbidden(`Quota exceeded for ${over}: Requested ${requested}, but already used ${used} of ${limit} ${resource}`);
export const metadataQuotaExceeded = (requested: number, limit: number) => quotaExceeded('metadata_items', requested, 0, limit, 'metadata_items');
export const keypairQuotaExceeded = () => new Forbidden('Quota exceeded, too many key pairs.');
export const serverGroupQuotaExceeded = () => new Forbidden('Quota exceeded, too many server groups.');
export const serverGroupMembersQuotaExceeded = () => new Forbidden('Quota exceeded, too many servers in group');
export const imageMetadataLimitExceeded = () => new Forbidden('Image metadata limit exceeded');
export const ipAllocationOverQuota = (pool?: string) => new Forbidden(pool ? `IP allocation over quota in pool ${pool}.` : 'IP allocation over quota.');
/** A policy refusal decided in the domain, in the wording faults.ts gives the policy engine's. */
export const policyDoesNotAllow = (rule: string) => new Forbidden(`Policy doesn't allow ${rule} to be performed.`);

// ---- 409 ------------------------------------------------------------------------------------------

export const networkAmbiguous = () => new Conflict('Multiple possible networks found, use a Network ID to be more specific.');
export const instanceNotReady = (id: string) => new Conflict(`Instance ${id} is not ready`);
export const instanceLocked = (id: string) => new Conflict(`Instance ${id} is locked`);
/** Nova's InstanceInvalidState: "Cannot '<action>' instance <id> while it is in <attr> <state>". */
export const instanceInvalidState = (action: string, id: string, attr: string, state: unknown) =>
  new Conflict(`Cannot '${action}' instance ${id} while it is in ${attr} ${state}`);
export const imageServiceUnavailable = () => new Conflict('The image service is not available.');
export const flavorIdExists = (id: string) => new Conflict(`Flavor with ID ${id} already exists.`);
export const flavorNameExists = (name: string) => new Conflict(`Flavor with name ${name} already exists.`);
export const publicFlavorAccess = () => new Conflict('Can not add access to a public flavor.');
export const flavorAccessExists = (id: string, projectId: string) =>
  new Conflict(`Flavor access already exists for flavor ${id} and project ${projectId} combination.`);
export const keypairExists = (name: string) => new Conflict(`Key pair '${name}' already exists.`);
export const aggregateNameExists = (name: string) => new Conflict(`Aggregate ${name} already exists.`);
export const aggregateHostExists = (id: number, host: string) => new Conflict(`Aggregate ${id} already has host ${host}.`);
export const floatingIpNotAssociated = (address: string, serverId: string) =>
  new Conflict(`Floating IP ${address} is not associated with instance ${serverId}.`);

export { BadRequest, Conflict, Forbidden, NotFound };

// ---- volumes (nova/exception.py VolumeNotFound, InvalidVolume, VolumeBDMNotFound, InvalidBDM*)
export const volumeNotFound = (id: string) => new NotFound(`Volume ${id} could not be found.`);
export const volumeNotAttached = (serverId: string) => new NotFound(`Instance ${serverId} is not attached.`);
export const volumeBdmNotFound = (volumeId: string) => new NotFound(`volume_id not found: ${volumeId}`);
export const invalidVolume = (reason: string) => new BadRequest(`Invalid volume: ${reason}`);
export const volumeNotAvailable = (id: string, status: string) => invalidVolume(`volume '${id}' status must be 'available'. Currently in '${status}'`);
export const volumeNotBootable = (id: string) => new BadRequest(`Block Device ${id} is not bootable.`);
export const volumeStillAttaching = (id: string) => new Conflict(`Volume ${id} is still being attached.`);
export const noFreeDevice = () => new BadRequest("No free disk device names for prefix 'vd'");

// ---- migrations (nova/exception.py CannotMigrateToSameHost, UnableToMigrateToSelf, ComputeServiceInUse,
// MigrationNotFoundForInstance, InvalidMigrationState; the evacuate and migrate_server controllers' words)
export const serviceUnavailable = () => new Conflict('Service is unavailable at this time.');
export const cannotMigrateToSameHost = () => new BadRequest('Cannot migrate to the host where the server exists.');
export const unableToMigrateToSelf = (id: string, host: string) => new BadRequest(`Unable to migrate instance (${id}) to current host (${host}).`);
export const computeHostNotFoundBadRequest = (host: string) => new BadRequest(`Compute host ${host} could not be found.`);
export const noValidHostBadRequest = (reason: string) => new BadRequest(reason);
export const forceWithoutHost = () => new BadRequest("Can't force to a non-provided destination");
export const evacuateHostNotFound = (host: string) => new NotFound(`Compute host ${host} not found.`);
export const evacuateSameHost = () => new BadRequest("The target host can't be the same one.");
export const computeServiceInUse = (host: string) => new BadRequest(`Compute service of ${host} is still in use.`);
export const adminPassOnSharedStorage = () => new BadRequest("admin password can't be changed on existing disk");
export const migrationNotFoundForInstance = (id: string, serverId: string) => new NotFound(`Migration ${id} not found for instance ${serverId}`);
export const liveMigrationNotFound = (id: string, serverId: string) => new NotFound(`In-progress live migration ${id} is not found for server ${serverId}.`);
export const notLiveMigration = (id: string, serverId: string) => new NotFound(`Migration ${id} for server ${serverId} is not live-migration.`);
export const liveMigrationNotInProgress = (id: string, serverId: string) => new NotFound(`Live migration ${id} for server ${serverId} is not in progress.`);
export const invalidMigrationState = (id: number, serverId: string, state: string, method: string) =>
  new BadRequest(`Migration ${id} state of instance ${serverId} is ${state}. Cannot ${method} while the migration is in this state.`);
/** VolumeBDMNotFound, as the 2.85 update of an attachment answers it. */
export const volumeBdmIdNotFound = (volumeId: string) => new NotFound(`No volume Block Device Mapping with id ${volumeId}.`);
export const attachmentNotMutable = (property: 'id' | 'serverId' | 'device' | 'tag') => new BadRequest(`The ${property} property is not mutable`);

// ---- swap_volume (nova/compute/api.py swap_volume): a new volume named in the body that does
// not exist is a 400 (the old one, in the path, is the 404 volumeNotFound).
export const swapVolumeNotFound = (id: string) => new BadRequest(`Volume ${id} could not be found.`);
export const oldVolumeElsewhere = () => invalidVolume('Old volume is attached to a different instance.');
export const newVolumeAttached = () => invalidVolume('New volume must be detached in order to swap.');
export const newVolumeTooSmall = () => invalidVolume('New volume must be the same size or larger.');
/** Cinder's begin_detaching refusal, as Nova passes it on. */
export const volumeNotDetachable = () =>
  invalidVolume("Invalid input received: Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.");
/** A multiattach volume attached (or booted from) before 2.60 (Nova's _check_attach_and_reserve_volume). */
export const multiattachOldMicroversion = () => new BadRequest('Multiattach volumes are only supported starting with compute API version 2.60.');
export const multiattachToShelved = () => new BadRequest('Attaching multiattach volumes is not supported for shelved-offloaded instances.');
export const multiattachSwapNotSupported = () => new BadRequest('Swapping multi-attach volumes with more than one read/write attachment is not supported.');
