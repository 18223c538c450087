/**
 * Prometheus metrics of the fleet, computed from the store at scrape time (no second
 * source of truth): instances per service, version and status, and drifted instances
 * per service (seed 000 R7), plus operation outcomes.
 */
import { Gauge, Registry } from 'prom-client';
import type { ServerContext } from '../../server-context.js';
import { loadFleetView } from '../instances/fleet-view.js';

export function createFleetMetrics(ctx: ServerContext) {
  const registry = new Registry();
  new Gauge({
    name: 'ferry_instances',
    help: 'Instances by service, probed version and status',
    labelNames: ['service', 'version', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const service of await ctx.store.listServices()) {
        const fleet = await loadFleetView(ctx, service);
        for (const view of fleet.instances) this.inc({ service: service.name, version: view.version ?? 'none', status: view.status });
      }
    },
  });
  new Gauge({
    name: 'ferry_drifted_instances',
    help: 'Instances whose probed version is not the one they should run',
    labelNames: ['service'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const service of await ctx.store.listServices()) {
        const fleet = await loadFleetView(ctx, service);
        this.set({ service: service.name }, fleet.instances.filter((v) => v.drifted).length);
      }
    },
  });
  new Gauge({
    name: 'ferry_operations',
    help: 'Deployments, restarts and rollbacks by service, kind and status',
    labelNames: ['service', 'kind', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const op of await ctx.store.listOperations({ limit: 10_000 })) this.inc({ service: op.service, kind: op.kind, status: op.status });
    },
  });
  return { registry };
}
