/**
 * Renders the tray from status: icon (loaded by tray-icons.ts), tooltip, and the menu model
 * (tray-menu.ts) turned into Electron menu templates. Electron classes are injected, so this file
 * needs only Electron's types; `toMenuTemplate` is pure.
 */
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import type { BrokerStatus } from '../../shared/bridge-contract.ts';
import { buildTrayMenu, type MenuModel, type TrayAction, type TrayMenuState } from './tray-menu.ts';
import { trayIconState, trayTooltip, type TrayIconState } from './tray-state.ts';
import type { EditorInfo } from '../../shared/window-contract.ts';

export function toMenuTemplate(model: MenuModel, onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return model.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'submenu':
        return { label: item.label, enabled: item.enabled, submenu: toMenuTemplate(item.items, onAction) };
      case 'action':
        return {
          label: item.label,
          enabled: item.enabled,
          ...(item.checked === undefined ? {} : { type: 'checkbox' as const, checked: item.checked }),
          click: () => onAction(item.action),
        };
    }
  });
}

export interface TrayDeps {
  tray: {
    setImage(image: NativeImage): void;
    setToolTip(text: string): void;
    setContextMenu(menu: Electron.Menu | null): void;
  };
  buildMenu(template: MenuItemConstructorOptions[]): Electron.Menu;
  /** The icon for a state (tray-icons.ts createTrayIcons: loaded once, @2x and macOS template included). */
  icon(state: TrayIconState): NativeImage;
  onAction: (action: TrayAction) => void;
}

export function createTrayView(deps: TrayDeps) {
  return {
    update(status: BrokerStatus, editors: readonly EditorInfo[], state: TrayMenuState): void {
      deps.tray.setImage(deps.icon(trayIconState(status)));
      deps.tray.setToolTip(trayTooltip(status));
      deps.tray.setContextMenu(deps.buildMenu(toMenuTemplate(buildTrayMenu(status, editors, state), deps.onAction)));
    },
  };
}
