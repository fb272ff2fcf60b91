// Neutron's timestamp formats, one function per format its API uses.
//
//   neutronTime  standard attributes' created_at/updated_at: whole seconds and 'Z'
//                (services/timestamp/timestamp_db.py: strftime('%Y-%m-%dT%H:%M:%S') + 'Z'): networks,
//                subnets, ports, routers, floating IPs, security groups and rules, subnet pools,
//                trunks, QoS policies, segments, network segment ranges, address groups, logs ...
//   agentTime    agents' created_at/started_at/heartbeat_timestamp: a DateTime serialised by
//                str() (api/wsgi.py JSONDictSerializer's sanitizer): a space, no zone, whole
//                seconds as the DB keeps them ("2017-09-12 19:39:56", api-ref agents samples)

/** Now (or `ms`) as a standard attribute's time. */
export const neutronTime = (ms = Date.now()): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Now (or `ms`) as an agent's time. */
export const agentTime = (ms = Date.now()): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
