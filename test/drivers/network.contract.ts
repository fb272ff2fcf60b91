// The network driver contract (src/drivers/network/network-driver.ts), as a suite every driver
// runs: idempotent ensure/set calls, deletes of absent objects succeed, reconcile converges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataplaneState, DriverPortSecurity, NetworkDriver, SecurityGroupMembers } from '../../src/drivers/network/network-driver.js';

export interface ContractHooks {
  /**
   * What the driver has in place now, read back from the host (or the fake's memory).
   * groupMembers: the groups with at least one member, addresses sorted.
   */
  observe(): Promise<{ networks: string[]; ports: string[]; routers: string[]; floatingIps: Record<string, string[]>; groupMembers: Record<string, SecurityGroupMembers> }>;
}

const NET = '11111111-1111-4111-8111-111111111111';
const EXT = '22222222-2222-4222-8222-222222222222';
const ROUTER = '33333333-3333-4333-8333-333333333333';
const PORT = '44444444-4444-4444-8444-444444444444';
const G1 = '55555555-5555-4555-8555-555555555551';
const G2 = '55555555-5555-4555-8555-555555555552';
const G3 = '55555555-5555-4555-8555-555555555553';
const G4 = '55555555-5555-4555-8555-555555555554';

const net = (id: string, cidr: string, external = false) => ({
  id, mtu: 1450, networkType: 'vxlan' as const, physicalNetwork: null, segmentationId: 7, external, adminStateUp: true,
  subnets: [{ id: `${id.slice(0, 8)}-aaaa-4aaa-8aaa-aaaaaaaaaaaa`, cidr, ipVersion: 4 as const, gatewayIp: cidr.replace(/0\/\d+$/, '1'), enableDhcp: !external, dnsNameservers: [], hostRoutes: [], ipv6AddressMode: null, ipv6RaMode: null }],
});

/** A router on NET with its gateway on EXT. */
const ROUTER_WITH_GATEWAY = {
  id: ROUTER, adminStateUp: true,
  gateway: { networkId: EXT, portId: 'gw', macAddress: 'fa:16:3e:00:00:02', enableSnat: true, ips: [{ subnetId: 's', ipAddress: '203.0.113.10', cidr: '203.0.113.0/24', gatewayIp: '203.0.113.1' }] },
  interfaces: [{ portId: 'if', subnetId: 's2', cidr: '10.9.0.0/24', ipAddress: '10.9.0.1', macAddress: 'fa:16:3e:00:00:03', networkId: NET }],
  routes: [],
};

export function networkDriverContract(name: string, make: () => Promise<{ driver: NetworkDriver; hooks: ContractHooks; cleanup(): Promise<void> }>): void {
  test(`${name}: ensureNetwork and plugPort are idempotent; unplug and delete of absent things succeed`, async () => {
    const { driver, hooks, cleanup } = await make();
    try {
      await driver.ensureNetwork(net(NET, '10.9.0.0/24'));
      await driver.ensureNetwork(net(NET, '10.9.0.0/24'));
      const port = { id: PORT, networkId: NET, macAddress: 'fa:16:3e:00:00:01', fixedIps: [{ subnetId: 'x', ipAddress: '10.9.0.5' }], deviceOwner: 'compute:nova', deviceId: 'vm', adminStateUp: true, mtu: 1450 };
      await driver.plugPort(port, 'host1');
      await driver.plugPort(port, 'host1');
      assert.deepEqual((await hooks.observe()).ports, [PORT]);
      await driver.unplugPort(PORT, 'host1');
      await driver.unplugPort(PORT, 'host1');
      await driver.deleteNetwork(NET);
      await driver.deleteNetwork(NET);
      assert.deepEqual(await hooks.observe(), { networks: [], ports: [], routers: [], floatingIps: {}, groupMembers: {} });
    } finally { await cleanup(); }
  });

  test(`${name}: a router with gateway, interface and floating IPs; reconcile removes what the state does not name`, async () => {
    const { driver, hooks, cleanup } = await make();
    try {
      await driver.ensureNetwork(net(NET, '10.9.0.0/24'));
      await driver.ensureNetwork(net(EXT, '203.0.113.0/24', true));
      const router = ROUTER_WITH_GATEWAY;
      await driver.ensureRouter(router);
      await driver.ensureRouter(router);
      await driver.setFloatingIps(ROUTER, [{ floatingIp: '203.0.113.20', fixedIp: '10.9.0.5', portId: PORT }]);
      let seen = await hooks.observe();
      assert.deepEqual(seen.routers, [ROUTER]);
      assert.deepEqual(seen.floatingIps, { [ROUTER]: ['203.0.113.20'] });
      const state: DataplaneState = { networks: [net(EXT, '203.0.113.0/24', true)], routers: [], floatingIps: {}, ports: [], portSecurity: [], dhcp: {}, groupMembers: {}, metering: {} };
      await driver.reconcile(state);
      seen = await hooks.observe();
      assert.deepEqual(seen, { networks: [EXT], ports: [], routers: [], floatingIps: {}, groupMembers: {} });
      await driver.deleteRouter(ROUTER);
      await driver.deleteNetwork(EXT);
    } finally { await cleanup(); }
  });

  test(`${name}: remote-group members are replaced whole per group, a rule may name a group without members, reconcile keeps only the groups it names`, async () => {
    const { driver, hooks, cleanup } = await make();
    try {
      await driver.setSecurityGroupMembers(G1, { ipv4: ['10.9.0.6', '10.9.0.5'], ipv6: ['fd00::5'] });
      await driver.setSecurityGroupMembers(G2, { ipv4: ['10.9.0.7'], ipv6: [] });
      assert.deepEqual((await hooks.observe()).groupMembers, { [G1]: { ipv4: ['10.9.0.5', '10.9.0.6'], ipv6: ['fd00::5'] }, [G2]: { ipv4: ['10.9.0.7'], ipv6: [] } });
      // Replaced, not merged; twice equals once.
      await driver.setSecurityGroupMembers(G1, { ipv4: ['10.9.0.6'], ipv6: [] });
      await driver.setSecurityGroupMembers(G1, { ipv4: ['10.9.0.6'], ipv6: [] });
      assert.deepEqual((await hooks.observe()).groupMembers[G1], { ipv4: ['10.9.0.6'], ipv6: [] });

      // A port whose rules name G1 (members), G3 (none yet) and G2, then G2 emptied while named.
      const remote = (direction: 'ingress' | 'egress', ethertype: 'IPv4' | 'IPv6', remoteGroupId: string) => ({ direction, ethertype, protocol: null, portRangeMin: null, portRangeMax: null, remotePrefixes: null, remoteGroupId });
      const sec: DriverPortSecurity = {
        portId: PORT, enabled: true, macAddress: 'fa:16:3e:00:00:01', ips: ['10.9.0.5'], allowedAddressPairs: [],
        rules: [remote('ingress', 'IPv4', G1), remote('ingress', 'IPv6', G1), remote('egress', 'IPv4', G3), remote('ingress', 'IPv4', G2)],
      };
      await driver.setPortSecurity(sec);
      await driver.setPortSecurity(sec);
      await driver.setSecurityGroupMembers(G2, { ipv4: [], ipv6: [] });
      await driver.setSecurityGroupMembers(G3, { ipv4: ['10.9.0.8'], ipv6: [] });
      await driver.setSecurityGroupMembers(G4, { ipv4: ['10.9.0.9'], ipv6: [] });
      await driver.setSecurityGroupMembers(G4, { ipv4: [], ipv6: [] });
      assert.deepEqual((await hooks.observe()).groupMembers, { [G1]: { ipv4: ['10.9.0.6'], ipv6: [] }, [G3]: { ipv4: ['10.9.0.8'], ipv6: [] } });

      await driver.setSecurityGroupMembers(G4, { ipv4: ['10.9.0.9'], ipv6: ['fd00::9'] });
      const state: DataplaneState = {
        networks: [], routers: [], floatingIps: {}, ports: [], portSecurity: [sec], dhcp: {}, metering: {},
        groupMembers: { [G1]: { ipv4: ['10.9.0.5', '10.9.0.6'], ipv6: [] }, [G2]: { ipv4: [], ipv6: [] } },
      };
      await driver.reconcile(state);
      await driver.reconcile(state);
      assert.deepEqual((await hooks.observe()).groupMembers, { [G1]: { ipv4: ['10.9.0.5', '10.9.0.6'], ipv6: [] } }, 'G4 (not named) is gone; G3 is named by a rule only, so it has no members');
      await driver.removePortSecurity(PORT);
      await driver.reconcile({ ...state, portSecurity: [], groupMembers: {} });
      assert.deepEqual((await hooks.observe()).groupMembers, {});
    } finally { await cleanup(); }
  });
  test(`${name}: remote-group members change incrementally: added and removed addresses only, the rest untouched, twice equals once`, async () => {
    const { driver, hooks, cleanup } = await make();
    const none = { ipv4: [], ipv6: [] };
    try {
      await driver.setSecurityGroupMembers(G1, { ipv4: ['10.9.0.5'], ipv6: [] });
      const change = { add: { ipv4: ['10.9.0.6', '10.9.0.7'], ipv6: ['fd00::6'] }, remove: none };
      await driver.updateSecurityGroupMembers(G1, change);
      await driver.updateSecurityGroupMembers(G1, change);
      await driver.updateSecurityGroupMembers(G2, { add: { ipv4: ['10.9.0.8'], ipv6: [] }, remove: none });
      assert.deepEqual((await hooks.observe()).groupMembers, {
        [G1]: { ipv4: ['10.9.0.5', '10.9.0.6', '10.9.0.7'], ipv6: ['fd00::6'] }, [G2]: { ipv4: ['10.9.0.8'], ipv6: [] },
      }, 'a group without members gets them; the others keep theirs');
      // Removal of a member and of an address that is none; an address in both lists stays.
      const removal = { add: { ipv4: ['10.9.0.7'], ipv6: [] }, remove: { ipv4: ['10.9.0.5', '10.9.0.7', '10.9.0.99'], ipv6: ['fd00::6'] } };
      await driver.updateSecurityGroupMembers(G1, removal);
      await driver.updateSecurityGroupMembers(G1, removal);
      assert.deepEqual((await hooks.observe()).groupMembers[G1], { ipv4: ['10.9.0.6', '10.9.0.7'], ipv6: [] });
      await driver.updateSecurityGroupMembers(G2, { add: none, remove: { ipv4: ['10.9.0.8'], ipv6: [] } });
      assert.deepEqual(Object.keys((await hooks.observe()).groupMembers), [G1], 'a group whose last member left shows none');
      await driver.reconcile({ networks: [], routers: [], floatingIps: {}, ports: [], portSecurity: [], dhcp: {}, groupMembers: {}, metering: {} });
      assert.deepEqual((await hooks.observe()).groupMembers, {});
    } finally { await cleanup(); }
  });
  test(`${name}: metering labels count per router, replaced whole (kept labels keep counting), gone with the router, reconcile keeps those it names`, async () => {
    const { driver, cleanup } = await make();
    const L1 = '66666666-6666-4666-8666-666666666661';
    const L2 = '66666666-6666-4666-8666-666666666662';
    try {
      await driver.ensureNetwork(net(NET, '10.9.0.0/24'));
      await driver.ensureNetwork(net(EXT, '203.0.113.0/24', true));
      const router = ROUTER_WITH_GATEWAY;
      // Labels may come before the router exists; they apply when it does.
      const labels = [
        { id: L1, rules: [{ direction: 'ingress' as const, remoteIpPrefix: '198.51.100.0/24', excluded: false }, { direction: 'egress' as const, remoteIpPrefix: 'fd02::/64', excluded: false }] },
        { id: L2, rules: [{ direction: 'egress' as const, remoteIpPrefix: '0.0.0.0/0', excluded: false }, { direction: 'egress' as const, remoteIpPrefix: '198.51.100.0/24', excluded: true }] },
      ];
      await driver.setMeteringLabels(ROUTER, labels);
      await driver.ensureRouter(router);
      await driver.setMeteringLabels(ROUTER, labels);
      assert.deepEqual(Object.keys(await driver.meteringCounts(ROUTER)).sort(), [L1, L2]);
      assert.deepEqual((await driver.meteringCounts(ROUTER))[L1], { packets: 0, bytes: 0 });
      await driver.setMeteringLabels(ROUTER, [labels[1]!]);
      assert.deepEqual(Object.keys(await driver.meteringCounts(ROUTER)), [L2]);
      await driver.reconcile({ networks: [net(NET, '10.9.0.0/24'), net(EXT, '203.0.113.0/24', true)], routers: [router], floatingIps: {}, ports: [], portSecurity: [], dhcp: {}, groupMembers: {}, metering: { [ROUTER]: [labels[0]!] } });
      assert.deepEqual(Object.keys(await driver.meteringCounts(ROUTER)), [L1]);
      await driver.deleteRouter(ROUTER);
      assert.deepEqual(await driver.meteringCounts(ROUTER), {});
      await driver.deleteNetwork(EXT);
      await driver.deleteNetwork(NET);
    } finally { await cleanup(); }
  });

  test(`${name}: agents name the dataplane's parts for a host, each with whether it works`, async () => {
    const { driver, cleanup } = await make();
    try {
      const agents = await driver.agents('host1');
      const types = agents.map((a) => a.agentType);
      for (const t of ['DHCP agent', 'L3 agent', 'Metering agent']) assert.ok(types.includes(t), `${t} in ${types.join(', ')}`);
      assert.equal(new Set(types).size, types.length, 'one entry per part');
      for (const a of agents) {
        assert.equal(typeof a.alive, 'boolean');
        assert.match(a.binary, /^neutron-/);
        assert.equal(typeof a.configurations, 'object');
      }
      assert.equal(agents.find((a) => a.agentType === 'DHCP agent')!.topic, 'dhcp_agent');
      assert.equal(agents.find((a) => a.agentType === 'L3 agent')!.topic, 'l3_agent');
    } finally { await cleanup(); }
  });
}
