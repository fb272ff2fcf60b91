// A ServiceContext for opening one service module on its own (facade tests): a real database and
// data dir, silent logs, no tokens, the fake drivers, and only the facades given.
import { FakeObjectStorageDriver } from '../../src/drivers/object-storage/fake-object-storage.js';
import pino from 'pino';
import { defaultConfig, type CloudConfig } from '../../src/config.js';
import type { Db } from '../../src/core/db/database.js';
import { FakeHypervisorDriver } from '../../src/drivers/hypervisor/fake-hypervisor.js';
import { FakeNetworkDriver } from '../../src/drivers/network/fake-network.js';
import { FakeBlockStorageDriver } from '../../src/drivers/block-storage/fake-block-storage.js';
import type { Drivers, Facades, IdentityFacade, ServiceContext } from '../../src/services/service-module.js';

/** No projects or users unless `projects` names some (by name; ids are what they hold), and no limits. */
export function identityOf(projects: Record<string, { id: string; name: string; domainId: string }> = {}): IdentityFacade {
  return {
    findProject: async (id) => Object.values(projects).find((p) => p.id === id),
    findUser: async () => undefined,
    findProjectByName: async (name) => projects[name],
    // NOTE: no limits registered here: every resource is unlimited (-1).
    limitsFor: async (_service, _project, resources) => Object.fromEntries(resources.map((r) => [r, -1])),
    registerLimits: async () => {},
  };
}

export function serviceContext(db: Db, dataDir: string, opts: { config?: Partial<CloudConfig>; facades?: Partial<Facades>; drivers?: Partial<Drivers> } = {}): ServiceContext {
  return {
    config: { ...defaultConfig(), dataDir, ...opts.config },
    db,
    logger: pino({ level: 'silent' }),
    tokens: { validate: async () => { throw new Error('no tokens in a facade test'); } },
    baseUrl: () => 'http://127.0.0.1',
    facades: { identity: identityOf(), ...opts.facades },
    drivers: { network: new FakeNetworkDriver(), hypervisor: new FakeHypervisorDriver(), blockStorage: new FakeBlockStorageDriver(), objectStorage: new FakeObjectStorageDriver(), ...opts.drivers },
  };
}
