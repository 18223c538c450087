/**
 * The provider a service's analysis names, and the load-balancer server name of each of
 * its instances (the haproxy provider reads servers by name).
 */
import type { Host, Instance, Service } from '../../../core/types.js';
import { haproxyServerNames } from '../../../core/traffic/haproxy-server-names.js';
import type { AnalysisProvider } from '../../analysis/analysis-provider.js';
import { HaproxyProvider } from '../../analysis/haproxy-provider.js';
import { PrometheusProvider } from '../../analysis/prometheus-provider.js';

/** Undefined when the service has no analysis, or one its declaration cannot serve (checked at PUT; kept for old rows). */
export function analysisProviderOf(service: Service): AnalysisProvider | undefined {
  const analysis = service.analysis;
  if (analysis === null) return undefined;
  if (analysis.provider === 'prometheus') return analysis.address === undefined ? undefined : new PrometheusProvider({ ...analysis, address: analysis.address });
  return service.traffic?.type === 'haproxy' ? new HaproxyProvider(service.traffic) : undefined;
}

/** Instance id → server name: the haproxy traffic spec's `server_name` template, else the instance id. */
export function serverNamesOf(service: Service, instances: readonly Instance[], hosts: ReadonlyMap<string, Host>): Map<string, string> {
  return haproxyServerNames(service.traffic, instances, (host) => hosts.get(host)?.address);
}
