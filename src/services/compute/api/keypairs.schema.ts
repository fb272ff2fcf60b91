import { Type } from '@sinclair/typebox';
import { MV } from '../microversions.js';
import { OneOf, strict, versioned, wrapped } from './schemas.js';

// nova/api/openstack/compute/schemas/keypairs.py: type from 2.2, user_id from 2.10; from 2.92
// public_key is required and names may hold '@' and '.'.

const name = (pattern: string) => Type.String({ minLength: 1, maxLength: 255, pattern: `^(?! )${pattern}(?<! )$` });
const props = (has: (v: string) => boolean) => ({
  name: name(has(MV.keypairGenerationRemoved) ? '[a-zA-Z0-9 @._-]+' : '[a-zA-Z0-9 _-]+'),
  public_key: Type.String({ minLength: 1 }),
  ...(has(MV.keypairX509) ? { type: OneOf(['ssh', 'x509']) } : {}),
  ...(has(MV.keypairUserId) ? { user_id: Type.String({ minLength: 1, maxLength: 255 }) } : {}),
});

const loosest = { name: Type.String(), public_key: Type.String(), type: OneOf(['ssh', 'x509']), user_id: Type.String() };
export const KeypairCreate = versioned(
  wrapped('keypair', loosest, ['name']),
  [MV.keypairX509, MV.keypairUserId, MV.keypairGenerationRemoved],
  (has) => Type.Object({ keypair: strict(props(has), has(MV.keypairGenerationRemoved) ? ['name', 'public_key'] : ['name']) }),
);
