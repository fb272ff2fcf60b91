// Nova's security group and rule views (security_groups.py _format_security_group*).
import type { NovaGroup, NovaRule } from '../domain/security-groups.service.js';

export function securityGroupRuleView(r: NovaRule) {
  return {
    id: r.id, parent_group_id: r.parent_group_id, ip_protocol: r.protocol, from_port: r.from_port, to_port: r.to_port,
    group: r.group ?? {}, ip_range: r.group ? {} : { cidr: r.cidr },
  };
}

export function securityGroupView(g: NovaGroup) {
  return { id: g.id, description: g.description, name: g.name, tenant_id: g.project_id, rules: g.rules.map(securityGroupRuleView) };
}
