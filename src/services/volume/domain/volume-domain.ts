// The block-storage domain: one object holding the services the routes call.
import type { Logger } from 'pino';
import type { Db } from '../../../core/db/database.js';
import { TaskManager } from '../../../core/work/task-manager.js';
import type { BlockStorageDriver } from '../../../drivers/block-storage/block-storage-driver.js';
import type { ImageFacade } from '../../image/facade.js';
import type { ComputeFacade } from '../../compute/facade.js';
import { VolumeTables } from '../store/tables.js';
import { AttachmentsService } from './attachments.service.js';
import { QuotasService } from './quotas.service.js';
import { BackendService } from './backend.service.js';
import { MessagesService } from './messages.service.js';
import { TransfersService } from './transfers.service.js';
import { QosService } from './qos.service.js';
import { SnapshotsService } from './snapshots.service.js';
import { TypesService } from './types.service.js';
import { type ManagerEnv, reconcileVolumes, registerBackupTasks, registerManageTasks, registerVolumeTasks } from './volume.manager.js';
import { BackupsService } from './backups.service.js';
import { PosixBackups, SwiftBackups, type BackupDriverName, type BackupStore } from './backup-drivers.js';
import type { ObjectStoreFacade } from '../../object-store/facade.js';
import { GroupsService } from './groups.service.js';
import { ManageService } from './manage.service.js';
import { VolumesService, type VolumeEnv } from './volumes.service.js';

export interface VolumeDomainOptions {
  db: Db;
  driver: BlockStorageDriver;
  images: () => ImageFacade | undefined;
  compute: () => ComputeFacade | undefined;
  /** The object store, when it runs (it opens after block storage): Swift backups go there. */
  objectStore?: () => ObjectStoreFacade | undefined;
  /** Cinder's backup_driver: posix (the block-storage driver's backup dir, the default) or swift. */
  backupDriver?: BackupDriverName;
  log: Logger;
  /** The name cinder-volume runs under (os-services host, the volume's host@backend#pool). */
  hostname: string;
  availabilityZone: string;
  scratchDir: string;
  quotaDefaults?: Record<string, number>;
  defaultVolumeType?: string;
}

export class VolumeDomain {
  readonly tables: VolumeTables;
  readonly tasks: TaskManager;
  readonly types: TypesService;
  readonly quotas: QuotasService;
  readonly volumes: VolumesService;
  readonly snapshots: SnapshotsService;
  readonly attachments: AttachmentsService;
  readonly backend: BackendService;
  readonly messages: MessagesService;
  readonly transfers: TransfersService;
  readonly qos: QosService;
  readonly backups: BackupsService;
  readonly groups: GroupsService;
  readonly manage: ManageService;
  readonly driver: BlockStorageDriver;
  readonly host: string;
  readonly availabilityZone: string;
  readonly backupStore: BackupStore;
  private readonly opts: VolumeDomainOptions;
  private readonly manager: ManagerEnv;

  constructor(opts: VolumeDomainOptions) {
    this.opts = opts;
    this.driver = opts.driver;
    this.tables = new VolumeTables(opts.db);
    this.tasks = new TaskManager(opts.db, opts.log, 'volume');
    this.types = new TypesService(this.tables, opts.defaultVolumeType);
    this.quotas = new QuotasService(this.tables, opts.quotaDefaults);
    this.host = `${opts.hostname}@${opts.driver.name}#${opts.driver.name}`;
    this.availabilityZone = opts.availabilityZone;
    this.backend = new BackendService(this.tables, opts.driver, this.host, opts.availabilityZone);
    this.messages = new MessagesService(this.tables);
    this.transfers = new TransfersService(this.tables, this.quotas);
    this.qos = new QosService(this.tables);
    this.backupStore = opts.backupDriver === 'swift'
      ? new SwiftBackups(opts.driver, opts.objectStore ?? (() => undefined), opts.scratchDir)
      : new PosixBackups(opts.driver);
    this.backups = new BackupsService(this.tables, this.tasks, this.quotas, this.types, opts.availabilityZone, this.backupStore);
    const env: VolumeEnv = { tables: this.tables, types: this.types, quotas: this.quotas, tasks: this.tasks, images: opts.images, host: this.host, availabilityZone: opts.availabilityZone, groups: () => this.groups };
    this.volumes = new VolumesService(env);
    this.snapshots = new SnapshotsService(env);
    this.attachments = new AttachmentsService(this.tables, opts.driver);
    this.groups = new GroupsService(this.tables, this.types, () => this.volumes, () => this.snapshots, opts.availabilityZone);
    this.manage = new ManageService({ ...env, driver: opts.driver, backend: this.backend });
    this.manager = {
      tables: this.tables, tasks: this.tasks, driver: opts.driver, backupStore: this.backupStore, images: opts.images, host: this.host, log: opts.log,
      scratchDir: opts.scratchDir, backend: this.backend, messages: this.messages, compute: opts.compute, quotas: this.quotas,
    };
    registerVolumeTasks(this.manager);
    registerBackupTasks(this.manager);
    registerManageTasks(this.manager);
  }

  /** What a cinder-volume host holds, per project (os-hosts/{host}); undefined for another host. */
  async hostUsage(host: string): Promise<{ project: string; volumes: number; volumeGb: number; snapshots: number; snapshotGb: number }[] | undefined> {
    if (host !== this.backend.volumeHost && host !== this.host) return undefined;
    const byProject = new Map<string, { project: string; volumes: number; volumeGb: number; snapshots: number; snapshotGb: number }>();
    const row = (p: string) => byProject.get(p) ?? byProject.set(p, { project: p, volumes: 0, volumeGb: 0, snapshots: 0, snapshotGb: 0 }).get(p)!;
    for (const v of await this.tables.volumes.list()) { const r = row(v.project_id); r.volumes++; r.volumeGb += v.size; }
    for (const s of await this.tables.snapshots.list()) { const r = row(s.project_id); r.snapshots++; r.snapshotGb += s.size; }
    const total = { project: '(total)', volumes: 0, volumeGb: 0, snapshots: 0, snapshotGb: 0 };
    for (const r of byProject.values()) { total.volumes += r.volumes; total.volumeGb += r.volumeGb; total.snapshots += r.snapshots; total.snapshotGb += r.snapshotGb; }
    return [total, ...byProject.values()];
  }

  /** On start: temporary files go, unfinished work is finished, the rest is reconciled. */
  async start(): Promise<void> {
    await this.driver.cleanup();
    await this.tasks.resume();
    await reconcileVolumes(this.manager);
  }

  async close(): Promise<void> {
    await this.tasks.close();
    await this.driver.close();
  }
}
