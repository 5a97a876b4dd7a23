import { Registry } from 'prom-client';

/**
 * Prometheus metrics of one app ([9/12], `/metrics`). A registry per app, not prom-client's global one:
 * tests run many apps in one process. Modules register their own metrics on `registry`
 * (`new Gauge({ …, registers: [ctx.metrics.registry] })`); every series carries the node's id.
 */
export interface Metrics {
  registry: Registry;
}

export function createMetrics(nodeId: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  return { registry };
}
