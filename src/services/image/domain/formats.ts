// Glance's [image_format] defaults (Zed) and the image schema's base properties, which both the
// validation and GET /v2/schemas/image use.

export const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];
export const IMAGE_STATUSES = ['queued', 'saving', 'active', 'killed', 'deleted', 'uploading', 'importing', 'pending_delete', 'deactivated'];
export const VISIBILITIES = ['community', 'public', 'private', 'shared'];
export const UUID_PATTERN = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';

export type PropSchema = { type?: string | string[]; enum?: unknown[]; maxLength?: number; minLength?: number; pattern?: string; readOnly?: boolean; writeOnly?: boolean; description?: string; items?: PropSchema; properties?: Record<string, PropSchema>; required?: string[]; additionalProperties?: boolean };

export const IMAGE_PROPERTIES: Record<string, PropSchema> = {
  id: { type: 'string', description: 'An identifier for the image', pattern: UUID_PATTERN },
  name: { type: ['null', 'string'], description: 'Descriptive name for the image', maxLength: 255 },
  status: { type: 'string', readOnly: true, description: 'Status of the image', enum: IMAGE_STATUSES },
  visibility: { type: 'string', description: 'Scope of image accessibility', enum: VISIBILITIES },
  protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
  os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
  checksum: { type: ['null', 'string'], readOnly: true, description: 'md5 hash of image contents.', maxLength: 32 },
  os_hash_algo: { type: ['null', 'string'], readOnly: true, description: 'Algorithm to calculate the os_hash_value', maxLength: 64 },
  os_hash_value: { type: ['null', 'string'], readOnly: true, description: 'Hexdigest of the image contents using the algorithm specified by the os_hash_algo', maxLength: 128 },
  owner: { type: ['null', 'string'], description: 'Owner of the image', maxLength: 255 },
  size: { type: ['null', 'integer'], readOnly: true, description: 'Size of image file in bytes' },
  virtual_size: { type: ['null', 'integer'], readOnly: true, description: 'Virtual size of image in bytes' },
  container_format: { type: ['null', 'string'], description: 'Format of the container', enum: [null, ...CONTAINER_FORMATS] },
  disk_format: { type: ['null', 'string'], description: 'Format of the disk', enum: [null, ...DISK_FORMATS] },
  created_at: { type: 'string', readOnly: true, description: 'Date and time of image registration' },
  updated_at: { type: 'string', readOnly: true, description: 'Date and time of the last image modification' },
  tags: { type: 'array', description: 'List of strings related to the image', items: { type: 'string', maxLength: 255 } },
  direct_url: { type: 'string', readOnly: true, description: 'URL to access the image file kept in external store' },
  min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
  min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
  self: { type: 'string', readOnly: true, description: 'An image self url' },
  file: { type: 'string', readOnly: true, description: 'An image file url' },
  stores: { type: 'string', readOnly: true, description: 'Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers.' },
  schema: { type: 'string', readOnly: true, description: 'An image schema url' },
  locations: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        url: { type: 'string', maxLength: 255 },
        metadata: { type: 'object' },
        validation_data: {
          description: "Values to be used to populate the corresponding image properties. If the image status is not 'queued', values must exactly match those already contained in the image properties.",
          type: 'object', writeOnly: true, additionalProperties: false,
          properties: { checksum: { type: 'string', minLength: 32, maxLength: 32 }, os_hash_algo: { type: 'string', maxLength: 64 }, os_hash_value: { type: 'string', maxLength: 128 } },
          required: ['os_hash_algo', 'os_hash_value'],
        },
      },
      required: ['url', 'metadata'],
    },
    description: 'A set of URLs to access the image file kept in external store',
  },
};

const typeOf = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
};

/** A value as Python's repr() shows it (jsonschema's messages quote values that way). */
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as object).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return String(v);
}

/**
 * Checks one value against a property schema as jsonschema would; returns the reason it fails
 * (jsonschema's wording) or undefined.
 */
export function schemaError(value: unknown, s: PropSchema): string | undefined {
  const repr = pyRepr(value);
  if (s.type) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const t = typeOf(value);
    const ok = types.some((x) => x === t || (x === 'number' && t === 'integer'));
    if (!ok) return `${repr} is not of type ${types.map((x) => `'${x}'`).join(', ')}`;
  }
  if (s.enum && !s.enum.includes(value as never)) return `${repr} is not one of ${pyRepr(s.enum)}`;
  if (typeof value === 'string') {
    if (s.maxLength !== undefined && [...value].length > s.maxLength) return `${repr} is too long`;
    if (s.minLength !== undefined && [...value].length < s.minLength) return `${repr} is too short`;
    if (s.pattern && !new RegExp(s.pattern).test(value)) return `${repr} does not match '${s.pattern}'`;
  }
  if (Array.isArray(value) && s.items) {
    for (const item of value) { const e = schemaError(item, s.items); if (e) return e; }
  }
  if (s.type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in obj)) return `'${r}' is a required property`;
    for (const [k, v] of Object.entries(obj)) {
      const sub = s.properties?.[k];
      if (sub) { const e = schemaError(v, sub); if (e) return e; } else if (s.additionalProperties === false) return `Additional properties are not allowed ('${k}' was unexpected)`;
    }
  }
  return undefined;
}

/** Validates a (partial) image document as Glance's PermissiveSchema('image') does. */
export function validateImageDoc(doc: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(doc)) {
    const s = IMAGE_PROPERTIES[key];
    const e = s ? schemaError(value, s) : schemaError(value, { type: 'string' });
    if (e) return `Provided object does not match schema 'image': ${e}`;
  }
  return undefined;
}
