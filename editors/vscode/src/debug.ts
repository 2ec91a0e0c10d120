// The `moonring-lua` debug type: `moonring dap` as the adapter (on stdio), and the defaults a
// configuration gets when launch.json leaves them out.
import * as vscode from 'vscode';
import { Settings } from './settings';

export const DEBUG_TYPE = 'moonring-lua';

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly settings: () => Settings) {}

  createDebugAdapterDescriptor(): vscode.DebugAdapterDescriptor {
    const { command, debugArgs } = this.settings();
    return new vscode.DebugAdapterExecutable(command, ['dap', ...debugArgs]);
  }
}

// F5 with no launch.json runs the Lua file in the editor; attach defaults to the loopback host.
export class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (editor?.document.languageId !== 'lua') {
        void vscode.window.showErrorMessage(
          'moonring: open a Lua file, or add a launch configuration.',
        );
        return undefined;
      }
      return {
        type: DEBUG_TYPE,
        request: 'launch',
        name: 'Launch file',
        program: editor.document.fileName,
      };
    }
    if (config.request === 'attach') {
      config.host ??= '127.0.0.1';
      if (typeof config.port !== 'number') {
        void vscode.window.showErrorMessage('moonring: an attach configuration needs "port".');
        return undefined;
      }
    } else if (config.request === 'launch' && !config.program) {
      void vscode.window.showErrorMessage('moonring: a launch configuration needs "program".');
      return undefined;
    }
    return config;
  }
}
