import type { AppContext } from '../../platform/context.js';

export interface Hl7Listener {
  port: number;
  close(): Promise<void>;
}

/** The MLLP listener ([6/12]); started by server.ts when YUNYI_HL7_PORT is set. [stub] */
export async function startHl7Listener(
  _ctx: AppContext,
  _opts: { port: number; host: string },
): Promise<Hl7Listener> {
  throw new Error('not implemented');
}
