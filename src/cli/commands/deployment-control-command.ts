/**
 * `ferry promote|pause|resume|abort DEPLOY_ID`: steer a running deployment (POST
 * /api/v1/deployments/{id}/{action} with `{}`). The server answers with the deployment,
 * summarised on one line (control-summary.ts). `promote` ends a canary step's pause,
 * `resume` a pause asked for with `pause` (CONTRACT §2). `abort --wait` follows the
 * abort until the deployment ends and exits 1 unless it ended `aborted`, so a script
 * knows the changed instances are back before it goes on.
 */
import type { Command } from 'commander';
import { writeJson, writeLine } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { CONTROL_ACTIONS, controlSummary, type ControlAction, type DeploymentDetail } from '../control-summary.js';
import { operationId } from '../option-values.js';
import { progressDisplayFor } from '../progress-display.js';
import { requireStatus, waitForOperation } from '../wait-for-operation.js';

interface ControlFlags extends ClientFlags {
  wait?: boolean;
}

const DESCRIPTIONS: Record<ControlAction, string> = {
  promote: 'end the pause of a canary step so the deployment continues',
  pause: 'pause a running deployment after its current batch',
  resume: 'resume a deployment paused with "ferry pause"',
  abort: 'abort a deployment and return the instances it changed',
};

export function registerDeploymentControlCommands(program: Command): void {
  for (const action of CONTROL_ACTIONS) {
    const command = program.command(action).description(DESCRIPTIONS[action]).argument('<deploy_id>', `the deployment to ${action}`, operationId);
    if (action === 'abort') command.option('--wait', 'follow the abort until the deployment ends; exit 1 unless it ends aborted');
    addClientOptions(command).action(async (id: string, flags: ControlFlags) => {
      const { client, json } = clientContext(flags);
      const answer = await client.post<DeploymentDetail | null>(`/api/v1/deployments/${encodeURIComponent(id)}/${action}`, {});
      if (flags.wait !== true) {
        if (json) writeJson(answer);
        else writeLine(controlSummary(action, id, answer));
        return;
      }
      if (!json) writeLine(controlSummary(action, id, answer));
      const { snapshot } = await waitForOperation(client, { kind: 'deployment', id }, progressDisplayFor(json));
      if (json) writeJson(snapshot);
      requireStatus(snapshot, 'aborted');
    });
  }
}
