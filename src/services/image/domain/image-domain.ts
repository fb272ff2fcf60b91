// The image service's domain, built once from its tables, file store and limits.
import type { ImageFiles } from '../store/image-files.js';
import type { ImageTables } from '../store/tables.js';
import { ImagesService, type ImageLimits } from './images.service.js';
import { DEFAULT_IMPORT_FILTERS, type ImportFilters } from './import-filter.js';
import { TasksService } from './tasks.service.js';
import { MembersService } from './members.service.js';
import { MetadefsService } from './metadefs.service.js';
import type { MetadefTables } from '../store/metadefs.tables.js';

export class ImageDomain {
  readonly images: ImagesService;
  readonly members: MembersService;
  readonly metadefs: MetadefsService;

  readonly tasks: TasksService;

  constructor(readonly tables: ImageTables, readonly files: ImageFiles, limits: ImageLimits, metadefTables: MetadefTables, importFilters?: Partial<ImportFilters>) {
    this.images = new ImagesService(tables, files, limits, { ...DEFAULT_IMPORT_FILTERS, ...importFilters });
    this.tasks = new TasksService(tables, this.images);
    this.members = new MembersService(tables);
    this.metadefs = new MetadefsService(metadefTables);
  }
}
