// Metering labels and their rules (Neutron's meteringlabels and meteringlabelrules), as documents;
// a rule's label is its parent column.
import type { Db } from '../../../core/db/database.js';
import { DocTable } from './tables.js';

export interface MeteringLabelRecord { id: string; project_id: string; name: string; description: string; shared: boolean }
export interface MeteringLabelRuleRecord {
  id: string; project_id: string; metering_label_id: string; direction: 'ingress' | 'egress'; excluded: boolean; remote_ip_prefix: string;
}

export class MeteringStore {
  readonly labels: DocTable<MeteringLabelRecord>;
  readonly rules: DocTable<MeteringLabelRuleRecord>;
  constructor(db: Db) {
    this.labels = new DocTable(db, 'neutron_metering_labels');
    this.rules = new DocTable(db, 'neutron_metering_label_rules', (r) => r.metering_label_id);
  }
}
