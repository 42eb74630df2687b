/** What each tray menu item does, over injected effects (the tray menu model names the action). */
import type { TrayAction } from './tray-menu.ts';

export interface TrayActionDeps {
  signIn(): Promise<unknown>;
  signInWithCode(): Promise<unknown>;
  signOut(): Promise<unknown>;
  showWindow(): void;
  connectEditor(id: string): Promise<unknown>;
  copyBridgeCommand(): void;
  setPaused(paused: boolean): void;
  /** Writes/removes the login item (XDG autostart entry on Linux); rejects with a message for the user. */
  setStartAtLogin(enabled: boolean): Promise<unknown>;
  quit(): void;
  log(line: string): void;
}

function assertNever(value: never): never {
  throw new Error(`unhandled tray action ${JSON.stringify(value)}`);
}

export function createTrayActions(deps: TrayActionDeps): (action: TrayAction) => void {
  const run = (what: string, work: Promise<unknown>) => {
    work.catch((err: unknown) => deps.log(`tray: ${what} failed: ${err instanceof Error ? err.message : String(err)}`));
  };
  return (action) => {
    switch (action.type) {
      case 'sign-in':
        return run('sign-in', deps.signIn());
      case 'sign-in-code':
        // The code is shown in the status window.
        deps.showWindow();
        return run('sign-in with a code', deps.signInWithCode());
      case 'sign-out':
        return run('sign-out', deps.signOut());
      case 'open-window':
        return deps.showWindow();
      case 'connect-editor':
        return run(`connect ${action.editorId}`, deps.connectEditor(action.editorId));
      case 'copy-bridge-command':
        return deps.copyBridgeCommand();
      case 'set-paused':
        return deps.setPaused(action.paused);
      case 'set-start-at-login':
        return run('start at login', deps.setStartAtLogin(action.enabled));
      case 'quit':
        return deps.quit();
      default:
        return assertNever(action);
    }
  };
}
