/**
 * The demo's last step, "your turn" (skipped with --once): the reader approves an editor and one of its
 * writes from a second terminal, with the commands this step prints, exactly as they would with a real
 * editor — `graph-bridge … clients approve demo-editor`, then `graph-bridge … approvals allow <id>`, each
 * asking for the one-time code the agent prints in the demo's terminal — and is shown a setting to change.
 *
 * The editor is connected the way `graph-bridge connect` connects one: a credential minted for the
 * editor id `demo-editor` (editor-keys.json of the demo profile) in the bridge's environment, so its
 * approval is remembered like a real editor's.
 */
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createEditorCredentials, EDITOR_KEYS_FILE } from '../../app/broker/approvals/editor-credentials.ts';

export const DEMO_EDITOR = 'demo-editor';

export interface YourTurnDeps {
  /** The demo profile (GRAPH_BRIDGE_HOME). */
  home: string;
  env: NodeJS.ProcessEnv;
  bridgePath: string;
  caPath: string;
  /** The signed-in demo user: the practice mail goes to them. */
  user: string;
  /** A command line for this profile that works pasted anywhere. */
  printed: (...args: string[]) => string;
  say: (line: string) => void;
  /** Runs `graph-bridge <args> --json` for this profile and parses what it printed. */
  cliJson: (args: string[]) => Promise<unknown>;
  /** Waits between two looks at the broker's state (the reader takes seconds). */
  pause: () => Promise<void>;
}

function text(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

async function connectEditor(deps: YourTurnDeps): Promise<Client> {
  const credentials = createEditorCredentials({ filePath: join(deps.home, 'state', EDITOR_KEYS_FILE) });
  const { key } = await credentials.ensure(DEMO_EDITOR);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [deps.bridgePath],
    env: {
      ...(deps.env as Record<string, string>),
      NODE_EXTRA_CA_CERTS: deps.caPath,
      GRAPH_BRIDGE_EDITOR_KEY: key,
    },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'Demo editor', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

async function waitForApproval(deps: YourTurnDeps, client: Client): Promise<void> {
  for (;;) {
    const r = (await client.callTool({ name: 'get_my_profile', arguments: {} })) as CallToolResult;
    if (r.isError !== true) return;
    await deps.pause();
  }
}

async function pendingWriteId(deps: YourTurnDeps): Promise<string> {
  for (;;) {
    const pending = (await deps.cliJson(['approvals', '--json'])) as { id: string; client: string }[];
    const mine = pending.find((a) => a.client === 'Demo editor');
    if (mine !== undefined) return mine.id;
    await deps.pause();
  }
}

export async function yourTurn(deps: YourTurnDeps): Promise<void> {
  const { say, printed } = deps;
  const client = await connectEditor(deps);
  try {
    const first = (await client.callTool({ name: 'get_my_profile', arguments: {} })) as CallToolResult;
    say(`Your turn. An editor connected as "${DEMO_EDITOR}" asks to use the account:\n    ${text(first)}`);
    say('Open a second terminal and run this; type the code this terminal shows when it asks:');
    say(`    ${printed('clients', 'approve', DEMO_EDITOR)}`);
    await waitForApproval(deps, client);
    say(`${DEMO_EDITOR} is approved. Now it wants to send you a mail; nothing is sent until you allow it.`);
    const sending = client.callTool({
      name: 'send_mail',
      arguments: { to: [deps.user], subject: 'Hello from Graph Bridge', body: 'Sent by the demo editor.' },
    }) as Promise<CallToolResult>;
    const id = await pendingWriteId(deps);
    say('Allow the write in the second terminal (again with the code this terminal shows):');
    say(`    ${printed('approvals', 'allow', id)}`);
    const sent = await sending;
    say(`send_mail${sent.isError === true ? ' (refused)' : ''}: ${text(sent)}`);
    say('Change a setting the same way, e.g. turn read-only on (tightening needs no code):');
    say(`    ${printed('settings', 'set', 'readOnly', 'true')}`);
  } finally {
    await client.close();
  }
}
