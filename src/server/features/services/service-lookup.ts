/** Loads what a route names (or answers the contract's 404), and what several features read together. */
import { NotFoundError } from '../../../core/errors.js';
import type { Instance, Operation, OperationTarget, Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';

export async function requireService(store: Store, name: string): Promise<Service> {
  const service = await store.getService(name);
  if (service === undefined) throw new NotFoundError('service_not_found', `service ${name} is not declared; declare it with PUT /api/v1/services/${name}`, { service: name });
  return service;
}

export async function requireInstance(store: Store, instanceId: string): Promise<Instance> {
  const instance = await store.getInstance(instanceId);
  if (instance === undefined || instance.removed_at !== null) {
    throw new NotFoundError('instance_not_found', `instance ${instanceId} does not exist`, { instance_id: instanceId });
  }
  return instance;
}

/** Live instances of a service (not removed), by instance id. */
export async function liveInstances(store: Store, service: string): Promise<Instance[]> {
  return (await store.listInstances({ service })).filter((i) => i.removed_at === null);
}

/** The service's active operation (at most one: the service lock) with its targets. */
export interface ActiveOperation {
  operation: Operation;
  targets: OperationTarget[];
}

/** The service's active operation and its targets, or undefined when none is active. */
export async function activeOperationOf(store: Store, service: string): Promise<ActiveOperation | undefined> {
  const [operation] = await store.listOperations({ service, activeOnly: true, limit: 1 });
  return operation === undefined ? undefined : { operation, targets: await store.listTargets(operation.id) };
}
