/** The deep agents by name, for the `rl-agent` strategy kind and for loading a saved agent. */
import { KeelError } from '../core/index.ts';
import { A2c, type A2cParams } from './a2c.ts';
import type { Agent, AgentJSON } from './agent.ts';
import { Dqn, type DqnParams } from './dqn.ts';
import { Ppo, type PpoParams } from './ppo.ts';

export type DeepAlgorithm = 'dqn' | 'a2c' | 'ppo';
export const deepAlgorithms: readonly DeepAlgorithm[] = ['dqn', 'a2c', 'ppo'];

export interface DeepAgentParams {
  dqn: Partial<DqnParams>;
  a2c: Partial<A2cParams>;
  ppo: Partial<PpoParams>;
}

export function createAgent<A extends DeepAlgorithm>(algorithm: A, params: DeepAgentParams[A] = {}): Agent {
  switch (algorithm) {
    case 'dqn':
      return new Dqn(params as Partial<DqnParams>);
    case 'a2c':
      return new A2c(params as Partial<A2cParams>);
    case 'ppo':
      return new Ppo(params as Partial<PpoParams>);
  }
  throw new KeelError('config', `unknown algorithm '${String(algorithm)}'; use one of ${deepAlgorithms.join(', ')}.`);
}

/** Rebuilds a saved agent (`agent.toJSON()`): same weights, curve and episodes; optimizer moments start afresh. */
export function agentFromJSON(json: AgentJSON): Agent {
  if (json?.format !== 'keel-agent/1') {
    throw new KeelError(
      'data',
      `not a saved Keel agent (format ${String(json?.format)}, expected keel-agent/1); save one with agent.toJSON().`,
    );
  }
  switch (json.algorithm) {
    case 'dqn':
      return Dqn.fromJSON(json);
    case 'a2c':
      return A2c.fromJSON(json);
    case 'ppo':
      return Ppo.fromJSON(json);
  }
  throw new KeelError(
    'data',
    `saved agent has unknown algorithm '${String(json.algorithm)}'; use one of ${deepAlgorithms.join(', ')}.`,
  );
}
