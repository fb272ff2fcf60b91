import type { Db } from '../../../core/db/database.js';
import { AllocationCandidatesService } from './allocation-candidates.service.js';
import { AllocationsService } from './allocations.service.js';
import { Tx } from './common.js';
import { ProvidersService } from './providers.service.js';
import { ReshaperService } from './reshaper.service.js';
import { ResourceClassesService } from './resource-classes.service.js';
import { TraitsService } from './traits.service.js';

/** Every placement domain service over one database. */
export class PlacementDomain {
  readonly tx: Tx;
  readonly classes: ResourceClassesService;
  readonly traits: TraitsService;
  readonly providers: ProvidersService;
  readonly allocations: AllocationsService;
  readonly candidates: AllocationCandidatesService;
  readonly reshaper: ReshaperService;

  constructor(db: Db) {
    this.tx = new Tx(db);
    this.classes = new ResourceClassesService(this.tx);
    this.traits = new TraitsService(this.tx);
    this.providers = new ProvidersService(this.tx, this.classes, this.traits);
    this.allocations = new AllocationsService(this.tx);
    this.candidates = new AllocationCandidatesService(this.tx);
    this.reshaper = new ReshaperService(this.tx, this.providers, this.allocations);
  }
}
